"""Signing in to the web pages, and the first administrator of a new installation.

These run before anyone is signed in, so they take the process's :class:`Services` rather than a :class:`Ctx`.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fuqing import auth
from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.errors import AuthError, Forbidden
from fuqing.models import ApiToken, User, WebSession
from fuqing.setup_code import clear_setup_code, ensure_setup_code, setup_code_matches
from fuqing.timeutil import as_utc, utcnow
from usecases.context import Services

SESSION_S = 12 * 3600  # a web session; the cookie (api/web/session.py) takes its lifetime from here


@dataclass(frozen=True)
class SignIn:
    """Who signed in, how (``password`` or ``token``), and a fingerprint of that credential: a session stays
    valid only while the credential does (a changed password or a revoked token ends it)."""

    actor: Actor
    method: str
    proof: str
    sid: str = ""  # the server-side session opened by this sign-in


def sign_in(
    services: Services, *, name: str = "", password: str = "", token: str = "", address: str = ""
) -> SignIn:
    """With a token if one is given, else with name and password; throttled per account and address
    (fuqing/throttle.py), audited as ``web.login`` or ``web.login_failed``; opens a server-side session."""
    throttle = services.login_throttle
    who = "" if token.strip() else name.strip()  # a token names no account to throttle: the address alone
    throttle.check(who, address)
    try:
        with services.db.session(write=True) as s:  # write: an old password hash is upgraded on success
            if token.strip():
                user = auth.authenticate_token(s, token.strip())
                method, proof = "token", auth.hash_token(token.strip())
            else:
                user = auth.authenticate_password(s, name.strip(), password)
                method, proof = "password", auth.password_fingerprint(user)
            actor = Actor.of(user, "web")
    except AuthError:
        locked = throttle.failed(who, address)
        with services.db.session(write=True) as s:
            record(s, Actor.anonymous("web"), "web.login_failed", "user", who[:80] or "token", locked=locked)
        raise
    throttle.succeeded(who)
    with services.db.session(write=True) as s:
        record(s, actor, "web.login", "user", actor.name, method=method)
        sid = open_session(s, user.id)
    return SignIn(actor, method, proof, sid)


def open_session(session: Session, user_id: int) -> str:
    """A new server-side session for the user; the random id goes into the signed cookie, its hash here."""
    sid = secrets.token_urlsafe(24)
    session.add(
        WebSession(
            sid_hash=auth.hash_token(sid), user_id=user_id, expires_at=utcnow() + timedelta(seconds=SESSION_S)
        )
    )
    return sid


def end_session(services: Services, sid: str | None) -> None:
    """Sign-out: the session ends on the server, whatever copies of the cookie exist."""
    if not sid:
        return
    with services.db.session(write=True) as s:
        s.execute(
            update(WebSession)
            .where(WebSession.sid_hash == auth.hash_token(sid), WebSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def resume(
    services: Services, user_id: int, method: str | None, proof: str | None, sid: str | None = None
) -> Actor | None:
    """The user a session names, if its server-side record is still open and the credential it was opened with is
    still valid (sign-out, a changed password, a revoked token or a disabled account end it at the next request)."""
    with services.db.session() as s:
        user = s.get(User, user_id)
        if user is None or not user.active or not _session_open(s, user_id, sid):
            return None
        if method == "password":
            ok = bool(user.password_hash) and hmac.compare_digest(
                auth.password_fingerprint(user), proof or ""
            )
        elif method == "token":
            row = s.scalar(select(ApiToken).where(ApiToken.token_hash == (proof or "")))
            ok = row is not None and row.revoked_at is None and row.user_id == user.id
        else:
            ok = False
        return Actor.of(user, "web") if ok else None


def _session_open(session: Session, user_id: int, sid: str | None) -> bool:
    if not sid:
        return False
    row = session.scalar(select(WebSession).where(WebSession.sid_hash == auth.hash_token(sid)))
    return (
        row is not None
        and row.user_id == user_id
        and row.revoked_at is None
        and as_utc(row.expires_at) > utcnow()
    )


def needs_first_admin(services: Services) -> bool:
    """True while the installation has no account at all."""
    with services.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0) == 0


def first_admin_setup_code(services: Services) -> str | None:
    """On an installation without accounts: the one-time set-up code (created if need be) that whoever starts the
    service is shown, however it is started (``fuqing serve`` or ``uvicorn --factory``); None once one exists."""
    return ensure_setup_code(services.settings) if needs_first_admin(services) else None


SETUP_CODE_NOTICE = "首次使用：在网页首页创建管理员时需要输入设置码 {code}（仅此一次有效；设置码也保存在数据目录中，仅服务账号可读）。"


def create_first_admin(services: Services, name: str, password: str, code: str) -> SignIn:
    """The first account, an administrator, for whoever knows the set-up code (fuqing/setup_code.py); refused
    once any account exists."""
    if not setup_code_matches(services.settings, code):
        raise Forbidden(
            "设置码不正确。",
            hint="设置码显示在启动服务的控制台上（也保存在服务器的数据目录中），请向管理服务器的人索取。",
        )
    with services.db.session(write=True) as s:
        if int(s.scalar(select(func.count()).select_from(User)) or 0) > 0:
            raise Forbidden("已经有用户了，不能再用首次设置。", hint="请登录；忘记密码请联系管理员。")
        user = auth.add_user(s, name, "admin", password=password)
        actor = Actor.of(user, "web")
        record(s, actor, "user.add", "user", user.name, role="admin", via_setup=True)
        sid = open_session(s, user.id)
        signed = SignIn(actor, "password", auth.password_fingerprint(user), sid)
    clear_setup_code(services.settings)
    return signed
