from pathlib import Path

import pytest

from tests.api.conftest import auth
from tests.fixtures import exports


def _error_shape(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    assert (
        body["error"]["code"] == code
        and isinstance(body["error"]["message"], str)
        and body["error"]["message"]
    )
    assert set(body["error"]) <= {"code", "message", "hint", "details"}
    return body["error"]


def test_error_shape_is_locked(api):
    err = _error_shape(api.get("/api/surveys"), 401, "unauthorized")
    assert "令牌" in err["message"] and "hint" in err
    _error_shape(api.get("/api/surveys", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    err = _error_shape(api.get("/api/audit", headers=auth(api, "staff")), 403, "forbidden")
    assert "管理员" in err["hint"]
    _error_shape(api.get("/api/surveys/999", headers=auth(api, "staff")), 404, "not_found")
    err = _error_shape(
        api.post("/api/surveys", json={"description": "x"}, headers=auth(api, "staff")), 422, "invalid_input"
    )
    assert err["details"]["fields"][0]["field"] == "title"
    _error_shape(api.get("/no/such/route"), 404, "not_found")


ENDPOINTS = [
    ("get", "/api/surveys", {"fieldworker", "staff", "researcher", "admin"}),
    ("post", "/api/surveys", {"staff", "researcher", "admin"}),
    ("get", "/api/responses", {"staff", "researcher", "admin"}),
    ("get", "/api/uploads", {"fieldworker", "staff", "researcher", "admin"}),
    ("get", "/api/users", {"admin"}),
    ("get", "/api/audit", {"admin"}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), ENDPOINTS)
def test_every_endpoint_checks_the_role(api, method, path, allowed):
    for role in ("fieldworker", "staff", "researcher", "admin"):
        kwargs = {"json": {"title": f"t-{role}"}} if method == "post" else {}
        resp = getattr(api, method)(path, headers=auth(api, role), **kwargs)
        if role in allowed:
            assert resp.status_code in (200, 201), (role, resp.text)
        else:
            _error_shape(resp, 403, "forbidden")
        assert getattr(api, method)(path, **kwargs).status_code == 401


def test_submit_one_response_idempotent_and_redacted(api):
    sid = api.post("/api/surveys", json={"title": "入户访谈"}, headers=auth(api, "staff")).json()["id"]
    body = {
        "source_id": "visit-1",
        "text": "想找活干，电话13812345678",
        "county": "金寨县",
        "age": 41,
        "marital_status": "已婚",
    }
    r = api.post(f"/api/surveys/{sid}/responses", json=body, headers=auth(api, "fieldworker"))
    assert r.status_code == 201 and r.json()["created"] is True and r.json()["redactions"] == {"phone": 1}
    again = api.post(f"/api/surveys/{sid}/responses", json=body, headers=auth(api, "fieldworker"))
    assert (
        again.status_code == 200 and again.json()["id"] == r.json()["id"] and again.json()["created"] is False
    )
    listed = api.get(f"/api/responses?survey_id={sid}", headers=auth(api, "staff")).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert (
        "13812345678" not in item["text"]
        and "〔手机号〕" in item["text"]
        and item["fieldworker"] == "fieldworker"
    )
    for role in (
        "staff",
        "admin",
    ):  # raw text is no longer listed: it is sealed, read one respondent at a time
        _error_shape(
            api.get(f"/api/responses?survey_id={sid}&raw=true", headers=auth(api, role)), 422, "invalid_input"
        )
    raw = api.get(f"/api/responses/{item['id']}/contact", headers=auth(api, "admin")).json()
    assert "13812345678" in raw["text_raw"]
    _error_shape(
        api.post(f"/api/surveys/{sid}/responses", json={"age": "abc"}, headers=auth(api, "fieldworker")),
        422,
        "invalid_input",
    )


def test_upload_report_and_visibility(api, tmp_path: Path):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=12)
    with open(f, "rb") as fh:  # a fieldworker uploads into a survey; creating one is staff's (issue 15)
        refused = api.post(
            "/api/uploads",
            files={"file": ("a.csv", fh, "text/csv")},
            data={"new_survey_title": "私建"},
            headers=auth(api, "fieldworker"),
        )
    _error_shape(refused, 403, "forbidden")
    sid = api.post("/api/surveys", json={"title": "金寨县调研"}, headers=auth(api, "staff")).json()["id"]
    with open(f, "rb") as fh:
        r = api.post(
            "/api/uploads",
            files={"file": ("金寨县问卷星导出.csv", fh, "text/csv")},
            data={"survey_id": str(sid)},
            headers=auth(api, "fieldworker"),
        )
    assert r.status_code == 201, r.text
    report = r.json()
    assert (
        report["rows_ok"] == 12
        and report["format"] == "问卷星（按选项文本）"
        and report["filename"] == "金寨县问卷星导出.csv"
    )
    uid = report["upload_id"]
    own = api.get("/api/uploads", headers=auth(api, "fieldworker")).json()
    assert [u["id"] for u in own] == [uid]
    assert api.get("/api/uploads", headers=auth(api, "fieldworker2")).json() == []
    _error_shape(api.get(f"/api/uploads/{uid}", headers=auth(api, "fieldworker2")), 403, "forbidden")
    detail = api.get(f"/api/uploads/{uid}", headers=auth(api, "staff")).json()
    assert detail["status"] == "completed" and detail["errors"] == []
    with open(f, "rb") as fh:
        again = api.post(
            "/api/uploads",
            files={"file": ("wjx.csv", fh)},
            data={"survey_id": report["survey_id"]},
            headers=auth(api, "fieldworker"),
        ).json()
    assert again["rows_duplicate"] == 12 and again["rows_ok"] == 0
    with open(f, "rb") as fh:
        insp = api.post(
            "/api/uploads/inspect", files={"file": ("wjx.csv", fh)}, headers=auth(api, "fieldworker")
        ).json()
    assert insp["mapping_labels"]["需求开放题"].startswith("9、")


def test_upload_over_the_limit_is_413(api, tmp_path: Path):
    api.app.state.services.settings = api.app.state.services.settings.model_copy(
        update={"max_upload_mb": 0.01}
    )
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=300)
    with open(f, "rb") as fh:
        r = api.post(
            "/api/uploads",
            files={"file": ("wjx.csv", fh)},
            data={"new_survey_title": "x"},
            headers=auth(api, "fieldworker"),
        )
    _error_shape(r, 413, "file_too_large")
    bad = api.post(
        "/api/uploads",
        files={"file": ("a.exe", b"MZ")},
        data={"new_survey_title": "x"},
        headers=auth(api, "fieldworker"),
    )
    _error_shape(bad, 422, "invalid_input")


def test_admin_manages_users_and_audit_has_no_personal_fields(api):
    r = api.post("/api/users", json={"name": "zhao", "role": "staff"}, headers=auth(api, "admin"))
    assert r.status_code == 201
    token = api.post("/api/users/zhao/tokens", headers=auth(api, "admin")).json()["token"]
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "staff"
    _error_shape(
        api.post("/api/users", json={"name": "x", "role": "boss"}, headers=auth(api, "admin")),
        422,
        "invalid_input",
    )
    sid = api.post("/api/surveys", json={"title": "t"}, headers=auth(api, "staff")).json()["id"]
    api.post(
        f"/api/surveys/{sid}/responses",
        json={"text": "身份证11010519491231002X"},
        headers=auth(api, "fieldworker"),
    )
    log = api.get("/api/audit", headers=auth(api, "admin")).json()
    assert {"user.add", "token.create", "survey.create", "response.create"} <= {e["action"] for e in log}
    assert "11010519491231002X" not in str(log)
    revoked = api.delete("/api/users/zhao/tokens", headers=auth(api, "admin")).json()
    assert revoked["revoked"] == 1
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_corpus_over_http(api_with_corpus):
    api = api_with_corpus
    hits = api.get(
        "/api/corpus/search", params={"q": "留守妇女 联系", "k": 3}, headers=auth(api, "fieldworker")
    ).json()
    assert len(hits) == 3 and {"doc_id", "clause_id", "title", "text", "score"} <= set(hits[0])
    unit = api.get("/api/corpus/units/anhui-ponan-2022#12", headers=auth(api, "staff"))
    assert unit.status_code == 422  # "#" starts a URL fragment: the server sees only the doc id and says so
    unit = api.get("/api/corpus/units/anhui-ponan-2022%2312", headers=auth(api, "staff")).json()
    assert unit["title"] == "畅通联系妇女群众渠道" and unit["citation"].endswith("第12条〕")
    assert api.get("/api/corpus/search", params={"q": "x"}).status_code == 401


def test_drafts_endpoint(api_with_corpus):
    api = api_with_corpus
    sid = api.post("/api/surveys", json={"title": "t"}, headers=auth(api, "staff")).json()["id"]
    for i in range(6):
        api.post(
            f"/api/surveys/{sid}/responses",
            json={"text": f"老公在外打工，想在家门口找点活干{i}", "county": "金寨县"},
            headers=auth(api, "fieldworker"),
        )
    d = api.post("/api/drafts", json={"county": "金寨县"}, headers=auth(api, "staff")).json()
    assert d["drafter"] == "offline" and d["findings"] and d["findings"][0]["rendered_citations"]
    logged = [e for e in api.get("/api/audit", headers=auth(api, "admin")).json() if e["action"] == "draft"]
    assert (
        logged
        and logged[0]["detail"]["drafter"] == "offline"
        and logged[0]["detail"]["findings"] == len(d["findings"])
    )
    assert api.post("/api/drafts", json={}, headers=auth(api, "fieldworker")).status_code == 403


def test_report_download(api_with_corpus, tmp_path):
    api = api_with_corpus
    sid = api.post("/api/surveys", json={"title": "t"}, headers=auth(api, "staff")).json()["id"]
    for i in range(6):
        api.post(
            f"/api/surveys/{sid}/responses",
            json={"text": f"想在家门口找点活干{i}", "county": "金寨县"},
            headers=auth(api, "fieldworker"),
        )
    r = api.post("/api/reports?format=docx", json={"county": "金寨县"}, headers=auth(api, "staff"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    (tmp_path / "r.docx").write_bytes(r.content)
    from docx import Document

    assert Document(tmp_path / "r.docx").paragraphs[0].text == "基层妇女群众需求调研报告"
    assert api.post("/api/reports?format=pdf", json={}, headers=auth(api, "staff")).status_code == 422
    assert api.post("/api/reports", json={}, headers=auth(api, "fieldworker")).status_code == 403


def test_front_door_is_the_web_home_and_docs_are_offline(api):
    home = api.get("/")
    assert home.status_code == 200 and 'lang="zh-CN"' in home.text and "妇情" in home.text
    page = api.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in page and "cdn" not in page
