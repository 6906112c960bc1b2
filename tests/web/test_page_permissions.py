"""Permissions as data for the web pages (issue 15): one table says which roles may open each page; the test walks
the app's GET pages for every role and for a visitor who is not signed in. A page missing from the table fails.

Allowed: the page answers (any status but 403 and a redirect to sign-in; a 404 of its own is fine). Refused: 403
for a signed-in role, a redirect to sign-in for a visitor."""

from __future__ import annotations

import pytest

from api.inventory import iter_routes
from tests.web.conftest import sign_in

F, S, R, A = "fieldworker", "staff", "researcher", "admin"
ALL = {F, S, R, A}
READERS = {S, R, A}
PUBLIC, MOVED = "public", "moved"

PAGES: dict[str, set[str] | str] = {
    "/": PUBLIC,
    "/login": PUBLIC,
    "/docs": PUBLIC,
    "/admin/audit": {A},
    "/admin/users": {A},
    "/ask": READERS,
    "/corpus/clauses/{clause_id:path}": ALL,
    "/drafts": READERS,
    "/evals": {R, A},
    "/evals/compare": {R, A},
    "/evals/{run_id}": {R, A},
    "/evals/{run_id}/files/{name}": {R, A},
    "/responses/new": {F, A},
    "/review": READERS,
    "/cases": {S, A},
    "/cases/{case_id}": {S, A},
    "/summaries": READERS,
    "/summaries/panel": READERS,
    "/uploads": ALL,
    "/uploads/new": {F, A},
    "/uploads/jobs/{job_id}": {F, A},
    "/uploads/{upload_id}": ALL,
    # old addresses, redirected for one release (api/web/routes_legacy.py)
    "/dashboard": MOVED,
    "/dashboard/panel": MOVED,
    "/summary": MOVED,
    "/summary/draft": MOVED,
    "/upload": MOVED,
    "/upload/jobs/{job_id}": MOVED,
    "/respond": MOVED,
    "/clause/{clause_id:path}": MOVED,
}
VALUES = {
    "{clause_id:path}": "x#1",
    "{run_id}": "no-such-run",
    "{name}": "report.md",
    "{job_id}": "no-such-job",
    "{upload_id}": "1",
    "{case_id}": "1",
}


def _pages(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        path
        for path, route in iter_routes(app)
        if not path.startswith("/api/") and "GET" in route.methods and not path.startswith("/static")
    }


def _url(path: str) -> str:
    for k, v in VALUES.items():
        path = path.replace(k, v)
    return path


def _to_login(r) -> bool:  # type: ignore[no-untyped-def]
    return r.status_code in (302, 303, 307) and "/login" in r.headers.get("location", "")


def test_every_page_has_an_entry(web) -> None:  # type: ignore[no-untyped-def]
    assert not sorted(_pages(web.app) - set(PAGES)), "pages without an entry in the permission table"
    assert not sorted(set(PAGES) - _pages(web.app)), "entries for pages that no longer exist"


@pytest.mark.parametrize("who", [None, F, S, R, A])
def test_each_role_opens_what_the_table_says(web, who: str | None) -> None:  # type: ignore[no-untyped-def]
    if web.app.state.services.db.dialect != "sqlite":
        pytest.skip("who may open what does not depend on the database; SQLite is enough")
    if who:
        sign_in(web, who)
    wrong = []
    for path, allowed in PAGES.items():
        r = web.get(_url(path), follow_redirects=False)
        if allowed == MOVED:
            ok = r.status_code == 308
        elif allowed == PUBLIC:
            ok = r.status_code < 400
        elif who is None:
            ok = _to_login(r) or r.status_code == 401
        elif who in allowed:
            ok = r.status_code != 403 and not _to_login(r)
        else:
            ok = r.status_code == 403
        if not ok:
            wrong.append(f"{path}: {r.status_code}")
    assert not wrong, f"{who or 'not signed in'}: {wrong}"
