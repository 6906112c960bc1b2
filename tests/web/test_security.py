"""Sign-in, cookies, CSRF, roles and escaping of user-provided text on the pages (real app, real database)."""

from __future__ import annotations

import re

from fuqing.actors import Actor
from fuqing.auth import revoke_tokens
from fuqing.models import Response
from survey.responses import submit_response
from survey.surveys import create_survey
from tests.conftest import TEST_VAULT
from tests.web.conftest import csrf_of, post, sign_in

SYSTEM = Actor.system()

EVIL = '<script>alert("x")</script><b>粗体</b>'
EVIL_PLACE = "</script><script>alert(1)</script>县"


def test_session_cookie_is_httponly_samesite_and_signed(web) -> None:  # type: ignore[no-untyped-def]
    r = web.get("/login")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    sign_in(web, "staff")
    assert web.get("/summaries", follow_redirects=False).status_code == 200
    value = web.cookies.get("fuqing_session")
    body, sig = value.rsplit(".", 1)
    web.cookies.clear()
    web.cookies.set("fuqing_session", body + "." + ("A" if sig[0] != "A" else "B") + sig[1:])
    r = web.get("/summaries", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fsummaries")


def test_wrong_password_is_refused_with_a_message(web) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"name": "staff", "password": "wrong-password", "csrf": csrf})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text
    assert web.get("/summaries", follow_redirects=False).status_code == 303


def test_token_sign_in_ends_when_the_token_is_revoked(web) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"token": web.tokens["staff"], "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert web.get("/summaries", follow_redirects=False).status_code == 200
    with web.app.state.services.db.session() as s:
        revoke_tokens(s, "staff")
    assert web.get("/summaries", follow_redirects=False).status_code == 303


def test_posts_without_the_csrf_token_are_refused(web) -> None:  # type: ignore[no-untyped-def]
    r = web.post("/login", data={"name": "staff", "password": "secret-pass-1"})
    assert r.status_code == 403 and "CSRF" in r.text
    sign_in(web, "fieldworker")
    r = web.post("/responses", data={"survey_id": "1", "text": "x"})
    assert r.status_code == 403
    r = web.post("/responses", data={"survey_id": "1", "text": "x", "csrf": "forged"})
    assert r.status_code == 403
    r = web.post("/responses", data={"survey_id": "1", "text": "x"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403


def test_next_after_sign_in_stays_on_this_site(web) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(web.get("/login").text)
    r = web.post(
        "/login",
        data={"name": "staff", "password": "secret-pass-1", "csrf": csrf, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


ROLE_PAGES = {
    "fieldworker": {"/uploads/new", "/responses/new", "/uploads"},
    "staff": {"/uploads", "/summaries", "/ask", "/drafts", "/review"},
    "researcher": {"/uploads", "/summaries", "/ask", "/drafts", "/review", "/evals"},
}
ALL_PAGES = set().union(*ROLE_PAGES.values())
ROLE_PAGES["admin"] = ALL_PAGES


def test_each_page_checks_the_role_server_side(web) -> None:  # type: ignore[no-untyped-def]
    for path in sorted(ALL_PAGES):
        r = web.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    for role, allowed in ROLE_PAGES.items():
        sign_in(web, role)
        menu = web.get("/").text
        for path in sorted(ALL_PAGES):
            r = web.get(path, follow_redirects=False)
            if path in allowed:
                assert r.status_code == 200, (role, path, r.text[:300])
                assert f'href="{path}"' in menu, (role, path)
            else:
                assert r.status_code == 403 and "不能打开这个页面" in r.text, (role, path)
                assert f'<a href="{path}"' not in menu, (role, path)


def test_user_text_is_shown_as_text_everywhere(web) -> None:  # type: ignore[no-untyped-def]
    with web.app.state.services.db.session(write=True) as s:
        survey = create_survey(s, EVIL, actor=SYSTEM)
        rows = []
        for i in range(6):
            data = {
                "text": f"{EVIL} 想找份工作 {i}",
                "county": EVIL_PLACE,
                "township": "<i>镇</i>",
                "village": "村",
            }
            resp, _ = submit_response(s, survey.id, data, SYSTEM, TEST_VAULT)
            rows.append(resp)
        web.app.state.services.tag_batch(s, [r.id for r in rows])
        s.get(Response, rows[0].id).review_status = "queued"
        sid = survey.id
    sign_in(web, "admin")
    pages = [
        "/",
        f"/summaries?survey_id={sid}",
        f"/summaries/panel?survey_id={sid}",
        f"/summaries/panel?survey_id={sid}&county={EVIL_PLACE}",
        f"/drafts?survey_id={sid}",
        "/review",
    ]
    for path in pages:
        r = web.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert '<script>alert("x")' not in r.text and "<script>alert(1)" not in r.text, path
        assert "<b>粗体</b>" not in r.text and "<i>镇</i>" not in r.text, path
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in web.get("/").text
    assert "&lt;b&gt;粗体&lt;/b&gt;" in web.get("/review").text
    shell = web.get(f"/summaries?survey_id={sid}").text
    tree = re.search(r'<script type="application/json" id="region-tree">(.*?)</script>', shell, re.S)
    assert tree and "\\u003c/script\\u003e" in tree.group(1)
    r = post(web, "/ask", "/ask", {"question": EVIL})
    assert r.status_code == 200 and '<script>alert("x")' not in r.text and "&lt;script&gt;" in r.text


def test_error_pages_are_html_and_name_what_to_do(web) -> None:  # type: ignore[no-untyped-def]
    sign_in(web, "staff")
    r = web.get("/summaries?since=2025-13-01")
    assert r.status_code == 422 and "起始日期不是有效日期" in r.text and "<html" in r.text
    r = web.get("/summaries/panel?need=nonsense", headers={"HX-Request": "true"})
    assert r.status_code == 422 and "未知需求标签" in r.text and "<html" not in r.text
    assert web.get("/api/surveys").json()["error"]["code"] == "unauthorized"  # the API keeps its JSON errors
