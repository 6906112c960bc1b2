"""Accounts (issue 15): the first administrator only with the set-up code, throttled sign-in with the same work
for unknown names, server-side sessions that sign-out and an administrator end, argon2id with rehash."""

from __future__ import annotations

import stat

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from fuqing import auth
from fuqing.db import open_database
from fuqing.models import AuditLog, LoginFailure, User
from fuqing.setup_code import ensure_setup_code
from tests.web.conftest import PASSWORD, csrf_of, post, sign_in


@pytest.fixture()
def fresh(db_settings):  # type: ignore[no-untyped-def]
    """A new installation: no account at all."""
    db = open_database(db_settings)
    with TestClient(create_app(db_settings, db=db)) as client:
        yield client
    db.dispose()


def _setup(client: TestClient, code: str) -> object:
    page = client.get("/login")
    return client.post(
        "/setup",
        data={"name": "boss", "password": "long-enough-1", "code": code, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )


def test_the_first_administrator_needs_the_setup_code(fresh, db_settings) -> None:  # type: ignore[no-untyped-def]
    page = fresh.get("/")
    assert "设置码" in page.text and 'name="code"' in page.text
    code = ensure_setup_code(db_settings)
    path = db_settings.resolved_home / "setup-code"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    refused = _setup(fresh, "not-the-code")  # a local address no longer qualifies by itself
    assert refused.status_code == 403
    assert _setup(fresh, code.upper()).status_code == 303
    assert not path.exists()
    assert "您好，boss" in fresh.get("/").text
    fresh.cookies.clear()
    assert _setup(fresh, code).status_code == 403  # once


def test_an_unknown_name_costs_the_same_work_as_a_wrong_password(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str | None] = []
    real = auth.verify_password

    def spy(password: str, stored: str | None) -> bool:
        calls.append(stored)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", spy)
    with db.session(write=True) as s:
        auth.add_user(s, "known", "staff", password=PASSWORD)
    for name in ("known", "nobody"):
        with db.session() as s, pytest.raises(auth.AuthError, match="用户名或密码不正确"):
            auth.authenticate_password(s, name, "wrong-password")
    assert (
        len(calls) == 2 and calls[0] and calls[1] is None
    )  # the unknown name is verified against a dummy hash


def test_repeated_failures_wait_and_are_audited(web) -> None:  # type: ignore[no-untyped-def]
    statuses = []
    for _ in range(7):
        csrf = csrf_of(web.get("/login").text)
        r = web.post(
            "/login", data={"name": "staff", "password": "guess", "csrf": csrf}, follow_redirects=False
        )
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429
    assert "秒后再试" in r.text
    with web.app.state.services.db.session() as s:
        failed = s.scalars(select(AuditLog).where(AuditLog.action == "web.login_failed")).all()
    assert len(failed) >= 5 and failed[-1].object_id == "staff"


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(web) -> None:  # type: ignore[no-untyped-def]
    sign_in(web, "staff")
    copied = dict(web.cookies)
    assert web.get("/summaries", follow_redirects=False).status_code == 200
    post(web, "/logout", "/", follow_redirects=False)
    web.cookies.clear()
    for k, v in copied.items():
        web.cookies.set(k, v)
    assert web.get("/summaries", follow_redirects=False).status_code in (302, 303, 401)


def test_an_administrator_ends_a_password_session(web) -> None:  # type: ignore[no-untyped-def]
    sign_in(web, "staff")
    assert web.get("/summaries", follow_redirects=False).status_code == 200
    with web.app.state.services.db.session(write=True) as s:
        auth.revoke_tokens(s, "staff")
    assert web.get("/summaries", follow_redirects=False).status_code in (302, 303, 401)


def test_an_old_pbkdf2_hash_is_upgraded_at_sign_in(web) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), salt, 240_000).hex()
    with web.app.state.services.db.session(write=True) as s:
        s.scalar(
            select(User).where(User.name == "staff")
        ).password_hash = f"pbkdf2_sha256$240000${salt.hex()}${digest}"
    sign_in(web, "staff")
    with web.app.state.services.db.session() as s:
        stored = s.scalar(select(User).where(User.name == "staff")).password_hash
    assert stored.startswith("$argon2id$") and "m=19456,t=2,p=1" in stored


def test_bad_tokens_from_one_place_do_not_lock_out_token_users_elsewhere() -> None:
    """Token sign-ins name no account, so they are throttled by address only: bad tokens from one machine make
    that machine wait, never every other user's token sign-in."""
    from fuqing.errors import TooManyAttempts
    from fuqing.throttle import LoginThrottle

    throttle = LoginThrottle()
    for _ in range(20):
        throttle.failed("", "10.0.0.9")
    throttle.check("", "10.0.0.9")  # the address limit is 20 free failures
    throttle.check("", "10.0.0.7")
    throttle.failed("", "10.0.0.9")
    with pytest.raises(TooManyAttempts):
        throttle.check("", "10.0.0.9")
    throttle.check("", "10.0.0.7")  # another address: no wait


def test_uvicorn_factory_prints_the_setup_code_on_a_new_installation(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`uvicorn --factory api.app:app_factory` starts the service without `fuqing serve`: its console must show
    the same one-time code, and nothing once an account exists."""
    from api.app import app_factory

    monkeypatch.setenv("FUQING_HOME", str(tmp_path / "home"))
    app = app_factory()
    printed = capsys.readouterr().err
    code = (tmp_path / "home" / "setup-code").read_text(encoding="utf-8").strip()
    assert f"设置码 {code}" in printed and "首次使用" in printed
    services = app.state.services
    with services.db.session(write=True) as s:
        auth.add_user(s, "boss", "admin", password=PASSWORD)
    services.db.dispose()
    again = app_factory()
    assert "设置码" not in capsys.readouterr().err
    again.state.services.db.dispose()


def test_every_service_process_throttles_the_same_account(db_settings) -> None:  # type: ignore[no-untyped-def]
    """Two processes (two database connections, as `uvicorn --workers 2` has) see the same failures: five wrong
    passwords through one and the sixth through the other make the account wait in both; the wait ends, and a
    success clears the account's count."""
    from fuqing.errors import TooManyAttempts
    from fuqing.throttle import DatabaseStore, LoginThrottle

    now = [1_000_000.0]
    one, two = open_database(db_settings), open_database(db_settings)
    a = LoginThrottle(DatabaseStore(one), clock=lambda: now[0])
    b = LoginThrottle(DatabaseStore(two), clock=lambda: now[0])
    try:
        for _ in range(5):
            assert not a.failed("Staff", "10.0.0.1")
        b.check("staff", "10.0.0.2")  # five free failures
        assert b.failed("staff", "10.0.0.2")  # the sixth, through the other process, starts a wait
        for throttle in (a, b):
            with pytest.raises(TooManyAttempts):
                throttle.check("staff", "10.0.0.3")
        now[0] += 2
        a.check("staff", "10.0.0.3")  # the one-second wait is over
        a.succeeded("staff")
        b.check("staff", "10.0.0.3")
        now[0] += 16 * 60  # failures older than the window are forgotten, also in the table
        b.failed("other", "10.0.0.4")
        with one.session() as s:
            assert s.scalar(select(func.count()).select_from(LoginFailure)) == 2
    finally:
        one.dispose()
        two.dispose()
