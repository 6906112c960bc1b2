"""Staff never see who a woman is; those who follow up read one respondent's contact at a time, audited."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.conftest import auth
from tests.survey.test_privacy import PEOPLE, _csv


def _import(api, tmp_path: Path) -> int:  # type: ignore[no-untyped-def]
    with open(_csv(tmp_path / "p.csv", extra="她男人叫刘建国"), "rb") as fh:
        r = api.post(
            "/api/uploads",
            files={"file": ("p.csv", fh, "text/csv")},
            data={"new_survey_title": "p"},
            headers=auth(api, "admin"),
        )
    assert r.status_code == 201, r.text
    return r.json()["survey_id"]


def test_staff_see_no_name_address_or_number(api, tmp_path: Path):  # type: ignore[no-untyped-def]
    sid = _import(api, tmp_path)
    body = api.get(f"/api/responses?survey_id={sid}", headers=auth(api, "staff")).json()
    shown = json.dumps(body, ensure_ascii=False)
    for name, address, phone, *_ in PEOPLE:
        assert name not in shown and address not in shown and phone not in shown
    assert "刘建国" not in shown and body["total"] == 3
    assert api.get(f"/api/responses?survey_id={sid}&raw=true", headers=auth(api, "admin")).status_code == 422
    summary = api.get(f"/api/summaries?survey_id={sid}", headers=auth(api, "staff")).text
    assert "王秀英" not in summary and "13800138000" not in summary


def test_contact_is_read_one_at_a_time_and_audited(api, tmp_path: Path):  # type: ignore[no-untyped-def]
    sid = _import(api, tmp_path)
    rid = api.get(f"/api/responses?survey_id={sid}", headers=auth(api, "staff")).json()["items"][0]["id"]
    assert api.get(f"/api/responses/{rid}/contact", headers=auth(api, "staff")).status_code == 403
    assert api.get(f"/api/responses/{rid}/contact", headers=auth(api, "researcher")).status_code == 403
    for role in ("admin", "caseworker"):
        r = api.get(f"/api/responses/{rid}/contact", headers=auth(api, role))
        assert r.status_code == 200 and "王秀英" in r.text
    log = api.get("/api/audit?limit=50", headers=auth(api, "admin")).json()
    reads = [e for e in log if e["action"] == "contact.read"]
    assert {e["actor"] for e in reads} == {"admin", "caseworker"} and all(
        e["object_id"] == str(rid) for e in reads
    )
    assert "王秀英" not in json.dumps(log, ensure_ascii=False)
