"""Follow-up cases over HTTP: a disclosure opens a case at once, staff of the county see it, the assignee works it,
contact fields reach only the assignee and administrators, every step is audited."""

from __future__ import annotations

import pytest

from fuqing.auth import add_user, create_token
from tests.api.conftest import auth

DISCLOSURE = "他喝醉了就打我，我怕哪天被打死"


def _submit(api, sid: int, text: str, source: str, county: str = "金寨县", **extra) -> int:
    body = {"source_id": source, "text": text, "county": county, "village": "红石村", **extra}
    r = api.post(f"/api/surveys/{sid}/responses", json=body, headers=auth(api, "fieldworker"))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _cases(api, role: str = "staff", status: str = "open") -> list[dict]:
    api.app.state.services.settle()
    r = api.get(f"/api/cases?status={status}", headers=auth(api, role))
    assert r.status_code == 200, r.text
    return r.json()


def _user_id(api, name: str) -> int:
    from sqlalchemy import select

    from fuqing.models import User

    with api.app.state.services.db.session() as s:
        return s.scalar(select(User.id).where(User.name == name))


@pytest.fixture()
def county_users(api):
    """A cadre of 金寨县 and one of 霍山县 (tokens under their names)."""
    db = api.app.state.services.db
    with db.session() as s:
        for name, county in (("jz", "金寨县"), ("hs", "霍山县")):
            add_user(s, name, "caseworker", county=county)
            api.tokens[name] = create_token(s, name)
    return api


def test_a_disclosure_opens_one_urgent_case_and_an_ordinary_answer_none(api):
    sid = api.post("/api/surveys", json={"title": "入户"}, headers=auth(api, "staff")).json()["id"]
    rid = _submit(api, sid, DISCLOSURE, "a1")
    _submit(api, sid, "天天在厂里打工，累死了，就想多挣点", "a2")
    _submit(api, sid, "想学电商，把茶叶卖出去", "a3")
    cases = _cases(api)
    assert [c["response_id"] for c in cases] == [rid]
    [case] = cases
    assert "violence" in case["kinds"] and case["urgency"] == "urgent" and case["status"] == "new"
    assert case["county"] == "金寨县" and "暴力侵害" in case["kind_names"]
    assert "answer" not in case  # lists never carry the answer
    # Submitting the same response again opens no second case.
    _submit_again = api.post(
        f"/api/surveys/{sid}/responses",
        json={"source_id": "a1", "text": DISCLOSURE, "county": "金寨县"},
        headers=auth(api, "fieldworker"),
    )
    assert _submit_again.status_code == 200
    assert len(_cases(api)) == 1


def test_roles_areas_and_the_whole_follow_up(county_users):
    api = county_users
    sid = api.post("/api/surveys", json={"title": "入户"}, headers=auth(api, "staff")).json()["id"]
    _submit(api, sid, DISCLOSURE + "，电话13812345678", "b1", name_field="王秀英")
    [case] = _cases(api)
    cid = case["id"]
    # Fieldworkers and researchers do not see cases; a cadre of another county does not learn it exists.
    assert api.get("/api/cases", headers=auth(api, "fieldworker")).status_code == 403
    assert api.get("/api/cases", headers=auth(api, "researcher")).status_code == 403
    assert _cases(api, "hs") == []
    assert api.get(f"/api/cases/{cid}", headers=auth(api, "hs")).status_code == 404
    shown = api.get(f"/api/cases/{cid}", headers=auth(api, "jz")).json()
    assert "13812345678" not in str(shown) and "打我" in shown["answer"]
    assert any(c["phone"] == "12338" for c in shown["referral"]["contacts"])
    ids = {u["name"]: u["id"] for u in shown["assignable"]}
    assert "jz" in ids and "hs" not in ids
    _work_the_case(api, cid)


def _work_the_case(api, cid: int) -> None:
    # Staff may not work a case that is not theirs, nor read the contact.
    assert api.post(f"/api/cases/{cid}/contact", headers=auth(api, "staff")).status_code == 403
    r = api.post(
        f"/api/cases/{cid}/assign", json={"user_id": _user_id(api, "hs")}, headers=auth(api, "staff")
    )
    assert r.status_code == 422
    assert (
        api.post(
            f"/api/cases/{cid}/assign", json={"user_id": _user_id(api, "jz")}, headers=auth(api, "staff")
        ).status_code
        == 200
    )
    assert (
        api.post(
            f"/api/cases/{cid}/update", json={"status": "contacted"}, headers=auth(api, "staff")
        ).status_code
        == 403
    )
    contact = api.post(f"/api/cases/{cid}/contact", headers=auth(api, "jz"))
    assert contact.status_code == 200 and "13812345678" in str(contact.json())
    r = api.post(
        f"/api/cases/{cid}/update",
        json={"status": "contacted", "note": "已电话联系"},
        headers=auth(api, "jz"),
    )
    assert r.json()["status"] == "contacted"
    assert (
        api.post(
            f"/api/cases/{cid}/update", json={"status": "dismissed"}, headers=auth(api, "jz")
        ).status_code
        == 422
    )
    assert (
        api.post(f"/api/cases/{cid}/update", json={"status": "closed"}, headers=auth(api, "jz")).status_code
        == 200
    )
    done = api.get(f"/api/cases/{cid}", headers=auth(api, "jz")).json()
    assert done["status"] == "closed" and done["first_contact_at"] and done["closed_at"]
    assert [n["action"] for n in done["notes"]] == [
        "opened",
        "assigned",
        "contact_viewed",
        "contacted",
        "closed",
    ]
    assert any(n["text"] == "已电话联系" for n in done["notes"])
    actions = [e["action"] for e in api.get("/api/audit?limit=200", headers=auth(api, "admin")).json()]
    for step in ("case.assign", "case.contact_read", "case.update"):
        assert step in actions
    audit_text = str(api.get("/api/audit?limit=200", headers=auth(api, "admin")).json())
    assert "已电话联系" not in audit_text and "13812345678" not in audit_text
    report = api.get("/api/cases/report", headers=auth(api, "staff")).json()
    assert report["by_kind"][0]["count"] == "<5" and "已电话联系" not in str(report)


def test_dismissal_feeds_evaluation_data_and_referrals_are_admins(county_users):
    api = county_users
    sid = api.post("/api/surveys", json={"title": "入户"}, headers=auth(api, "staff")).json()["id"]
    _submit(api, sid, "真不想活了，活着没意思", "c1")
    [case] = _cases(api)
    assert case["kind"] == "self_harm" and case["urgency"] == "urgent"
    cid = case["id"]
    assert (
        api.post(
            f"/api/cases/{cid}/assign", json={"user_id": _user_id(api, "jz")}, headers=auth(api, "jz")
        ).status_code
        == 200
    )
    r = api.post(
        f"/api/cases/{cid}/update",
        json={"status": "dismissed", "reason": "说的是电视剧"},
        headers=auth(api, "jz"),
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    assert _cases(api) == []
    assert api.get("/api/cases/feedback", headers=auth(api, "staff")).status_code == 403
    fed = api.get("/api/cases/feedback", headers=auth(api, "researcher")).json()
    assert fed == [{"id": f"case-{cid}", "text": "真不想活了，活着没意思", "risk": []}]
    body = {
        "organisation": "金寨县妇联权益部",
        "phone": "0564-1234567",
        "county": "金寨县",
        "handles": ["violence"],
    }
    assert api.post("/api/referrals", json=body, headers=auth(api, "staff")).status_code == 403
    made = api.post("/api/referrals", json=body, headers=auth(api, "admin"))
    assert made.status_code == 201
    listed = api.get("/api/referrals", headers=auth(api, "jz")).json()
    assert listed[0]["organisation"] == "金寨县妇联权益部" and listed[-2]["phone"] == "12338"
    assert api.delete(f"/api/referrals/{made.json()['id']}", headers=auth(api, "admin")).status_code == 204
