"""The gate in front of the routes (issue 15): sizes checked while the body streams, the caller decided from the
headers before the body is read, security headers on every answer, no cookie for the API, bounded ids."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import auth

MB = 1024 * 1024


def _body(total_mb: int, sent: list[int]) -> Iterator[bytes]:
    for _ in range(total_mb):
        sent.append(1)
        yield b"x" * MB


def test_a_large_body_without_a_token_is_refused_before_it_is_read(api) -> None:
    sent: list[int] = []
    r = api.post(
        "/api/uploads/inspect",
        content=_body(400, sent),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"
    assert len(sent) <= 2  # the client stopped at the answer; the server never read the 400 MB


def test_a_declared_length_over_the_limit_is_413_at_once(api) -> None:
    headers = {**auth(api, "fieldworker"), "content-length": str(2 * MB), "content-type": "application/json"}
    r = api.post("/api/surveys/1/responses", content=b"{}" + b" " * (2 * MB - 2), headers=headers)
    assert r.status_code == 413
    assert "上限" in r.json()["error"]["message"]


def test_a_streamed_upload_is_cut_off_at_the_limit(api) -> None:
    """Straight through the ASGI gate, so that what the server read is counted (a test client buffers)."""
    import asyncio

    from api.guard import Guard

    services = api.app.state.services
    services.settings = services.settings.model_copy(update={"max_upload_mb": 1.0})
    read: list[int] = []
    answers: list[dict] = []

    async def app(scope, receive, send):  # an upload route that reads its whole body
        while (await receive()).get("more_body"):
            pass

    async def receive():
        read.append(1)
        return {"type": "http.request", "body": b"x" * MB, "more_body": len(read) < 50}

    async def send(message):
        answers.append(message)

    token = api.tokens["fieldworker"].encode()
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/uploads/inspect",
        "headers": [(b"authorization", b"Bearer " + token)],
    }
    asyncio.run(Guard(app, services)(scope, receive, send))
    assert answers[0]["status"] == 413
    assert len(read) == 2  # 1 MB allowed, the second megabyte ends it


@pytest.mark.parametrize("path", ["/", "/login", "/api/health"])
def test_security_headers_on_every_answer(api, path: str) -> None:
    r = api.get(path, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "unsafe-inline'; img" not in csp.split("script-src")[1][:30]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


def test_the_api_takes_no_cookie(api) -> None:
    token = api.tokens["staff"]
    api.cookies.set("fuqing_token", token)
    try:
        assert api.get("/api/surveys").status_code == 401
    finally:
        api.cookies.clear()
    assert api.get("/api/surveys", headers=auth(api, "staff")).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/uploads/99999999999999999999"),
        ("post", f"/api/review/{2**64}"),
        ("get", f"/api/surveys/{2**63}"),
        ("get", "/api/responses/0/labels"),
    ],
)
def test_ids_beyond_64_bits_are_422(api, method: str, path: str) -> None:
    r = getattr(api, method)(path, headers=auth(api, "admin"), **({"json": {}} if method == "post" else {}))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_input"


def test_control_characters_in_filters_reach_no_report_writer(api_with_corpus) -> None:
    api = api_with_corpus
    staff = auth(api, "staff")
    r = api.post("/api/reports?format=docx", content='{"county": "金寨\\u000b县"}', headers=staff)
    assert r.status_code in (200, 404, 422), r.text  # never a 500 from the DOCX writer
    r = api.post("/api/reports?format=docx", content='{"county": "坏\\ud800"}', headers=staff)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("ref", ["../../data.key", "x" * 300, "妇" * 100 + "#1", "\\u0000"])
def test_a_clause_reference_never_reaches_the_file_system(api_with_corpus, ref: str) -> None:
    r = api_with_corpus.get(f"/api/corpus/clauses/{ref}", headers=auth(api_with_corpus, "staff"))
    assert r.status_code == 404, r.text


def test_an_upload_of_many_parts_is_refused(api) -> None:
    files = [("file", (f"a{i}.csv", b"x,y\n1,2\n")) for i in range(3)]
    r = api.post("/api/uploads/inspect", files=files, headers=auth(api, "fieldworker"))
    assert r.status_code in (400, 413, 422), r.text
    fields = {f"f{i}": "x" for i in range(40)}
    r = api.post(
        "/api/uploads/inspect",
        files={"file": ("a.csv", b"x,y\n1,2\n")},
        data=fields,
        headers=auth(api, "fieldworker"),
    )
    assert r.status_code in (400, 413, 422), r.text


def test_the_openapi_document_shows_the_error_shape_the_api_sends(api) -> None:
    doc = api.get("/openapi.json").json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    responses = doc["paths"]["/api/surveys"]["post"]["responses"]
    for status in ("401", "403", "422"):
        assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    sent = api.post("/api/surveys", json={}, headers=auth(api, "staff")).json()
    assert set(sent) == {"error"} and {"code", "message"} <= set(sent["error"])
