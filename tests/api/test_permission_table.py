"""Permissions as data (issue 15): one table says which roles may call each API route; the test walks the app's
route table and, for every role and for a caller without a token, asserts the status that table implies. A route
missing from the table fails the test, so a new route cannot ship without a decision on who may call it.

"Allowed" means the permission check passed (any status but 401/403: the request may still be a 404 or a 422 of
its own); "refused" means 403 for a signed-in role and 401 without a token.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.inventory import iter_routes
from tests.api.conftest import auth

F, S, C, R, A = "fieldworker", "staff", "caseworker", "researcher", "admin"
ALL = {F, S, C, R, A}
READERS = {S, C, R, A}
CASES = {S, C, A}  # follow-up cases: never fieldworkers or researchers
PUBLIC = "public"

FILTERS: dict[str, Any] = {}
# (method, path) -> the roles that may call it, and a request that passes validation (so that the answer comes from
# the permission check, not from the parameters).
TABLE: dict[tuple[str, str], tuple[set[str] | str, dict[str, Any]]] = {
    ("GET", "/api/health"): (PUBLIC, {}),
    ("GET", "/api/me"): (ALL, {}),
    ("GET", "/api/users"): ({A}, {}),
    ("POST", "/api/users"): ({A}, {"json": {"name": "new-user", "role": "staff"}}),
    ("POST", "/api/users/{name}/tokens"): ({A}, {}),
    ("DELETE", "/api/users/{name}/tokens"): ({A}, {}),
    ("GET", "/api/audit"): ({A}, {}),
    ("GET", "/api/corpus/documents"): (ALL, {}),
    ("GET", "/api/corpus/search"): (ALL, {"params": {"q": "妇女"}}),
    ("GET", "/api/corpus/clauses/{clause_id}"): (ALL, {}),
    ("GET", "/api/corpus/units/{clause_id}"): (ALL, {}),
    ("GET", "/api/evals"): ({R, A}, {}),
    ("GET", "/api/evals/{run_id}"): ({R, A}, {}),
    ("GET", "/api/evals/{run_id}/report"): ({R, A}, {}),
    ("POST", "/api/nlp/tag"): (READERS, {"json": {"text": "想学手艺"}}),
    ("GET", "/api/review"): (READERS, {}),
    ("GET", "/api/responses/{response_id}/labels"): (READERS, {}),
    ("POST", "/api/review/{response_id}"): (READERS, {"json": {"labels": ["employment"]}}),
    ("GET", "/api/review/agreement"): (READERS, {}),
    ("GET", "/api/summaries"): (READERS, {}),
    ("POST", "/api/ask"): (READERS, {"json": {"question": "金寨县妇女最需要什么"}}),
    ("POST", "/api/drafts"): (READERS, {"json": FILTERS}),
    ("POST", "/api/reports"): (READERS, {"json": FILTERS, "params": {"format": "md"}}),
    ("GET", "/api/surveys"): (ALL, {}),
    ("POST", "/api/surveys"): (READERS, {"json": {"title": "新调查"}}),
    ("GET", "/api/surveys/{survey_id}"): (ALL, {}),
    ("DELETE", "/api/surveys/{survey_id}"): ({A}, {}),
    ("POST", "/api/surveys/{survey_id}/responses"): ({F, A}, {"json": {"text": "想学手艺"}}),
    ("GET", "/api/responses"): (READERS, {}),
    ("DELETE", "/api/responses/{response_id}"): ({A}, {}),
    ("GET", "/api/responses/{response_id}/contact"): ({C, A}, {}),
    ("POST", "/api/uploads/inspect"): ({F, A}, {"files": {"file": ("a.csv", "县,需求\n金寨县,培训\n")}}),
    ("POST", "/api/uploads"): (
        {F, A},
        {"files": {"file": ("a.csv", "县,需求\n金寨县,培训\n")}, "data": {"survey_id": "1"}},
    ),
    ("GET", "/api/cases"): (CASES, {}),
    ("GET", "/api/cases/report"): (CASES, {}),
    ("GET", "/api/cases/feedback"): ({R, A}, {}),
    ("GET", "/api/cases/{case_id}"): (CASES, {}),
    ("POST", "/api/cases/{case_id}/assign"): (CASES, {"json": {"user_id": 1}}),
    ("POST", "/api/cases/{case_id}/update"): (CASES, {"json": {"note": "已联系"}}),
    ("POST", "/api/cases/{case_id}/contact"): (CASES, {}),
    ("GET", "/api/referrals"): (CASES, {}),
    ("POST", "/api/referrals"): ({A}, {"json": {"organisation": "县妇联", "phone": "12338"}}),
    ("DELETE", "/api/referrals/{referral_id}"): ({A}, {}),
    ("GET", "/api/uploads"): (ALL, {}),
    ("GET", "/api/uploads/{upload_id}"): (ALL, {}),
}
PATH_VALUES = {
    "{name}": "staff",
    "{clause_id}": "x#1",
    "{run_id}": "no-such-run",
    "{response_id}": "1",
    "{survey_id}": "1",
    "{upload_id}": "1",
    "{case_id}": "1",
    "{referral_id}": "1",
}


def _api_routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for path, route in iter_routes(app):
        if path.startswith("/api/"):
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, path.replace("{clause_id:path}", "{clause_id}")))
    return out


def _url(path: str) -> str:
    for k, v in PATH_VALUES.items():
        path = path.replace(k, v)
    return path


def test_every_api_route_has_an_entry(api) -> None:
    missing = sorted(set(_api_routes(api.app)) - set(TABLE))
    assert not missing, f"routes without an entry in the permission table: {missing}"
    stale = sorted(set(TABLE) - set(_api_routes(api.app)))
    assert not stale, f"entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("who", [None, F, S, C, R, A])
def test_each_role_gets_what_the_table_says(api, survey_id: int, who: str | None) -> None:
    if api.app.state.services.db.dialect != "sqlite":
        pytest.skip("who may call what does not depend on the database; SQLite is enough")
    wrong = []
    for (method, path), (allowed, request) in TABLE.items():
        kw = dict(request)
        if "files" in kw:  # a fresh file object per request
            kw["files"] = {k: (n, c.encode()) for k, (n, c) in kw["files"].items()}
        headers = auth(api, who) if who else {}
        status = api.request(method, _url(path), headers=headers, **kw).status_code
        if allowed == PUBLIC:
            ok = status < 400
        elif who is None:
            ok = status == 401
        elif who in allowed:
            ok = status not in (401, 403)
        else:
            ok = status == 403
        if not ok:
            wrong.append(f"{method} {path}: {status}")
    assert not wrong, f"{who or 'no token'}: {wrong}"
