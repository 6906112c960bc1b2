"""Signing in to the web pages, and the first administrator of a new installation.

These run before anyone is signed in, so they take the process's :class:`Services` rather than a :class:`Ctx`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import func, select

from fuqing import auth
from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.errors import Forbidden
from fuqing.models import ApiToken, User
from usecases.context import Services


@dataclass(frozen=True)
class SignIn:
    """Who signed in, how (``password`` or ``token``), and a fingerprint of that credential: a session stays
    valid only while the credential does (a changed password or a revoked token ends it)."""

    actor: Actor
    method: str
    proof: str


def sign_in(services: Services, *, name: str = "", password: str = "", token: str = "") -> SignIn:
    """With a token if one is given, else with name and password; audited as ``web.login``."""
    with services.db.session() as s:
        if token.strip():
            user = auth.authenticate_token(s, token.strip())
            method, proof = "token", auth.hash_token(token.strip())
        else:
            user = auth.authenticate_password(s, name.strip(), password)
            method, proof = "password", auth.password_fingerprint(user)
        actor = Actor.of(user, "web")
    with services.db.session(write=True) as s:
        record(s, actor, "web.login", "user", actor.name, method=method)
    return SignIn(actor, method, proof)


def resume(services: Services, user_id: int, method: str | None, proof: str | None) -> Actor | None:
    """The user a session names, if the credential it was opened with is still valid (a changed password, a revoked
    token or a disabled account ends it at the next request)."""
    with services.db.session() as s:
        user = s.get(User, user_id)
        if user is None or not user.active:
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


def needs_first_admin(services: Services) -> bool:
    """True while the installation has no account at all."""
    with services.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0) == 0


def create_first_admin(services: Services, name: str, password: str) -> SignIn:
    """The first account, an administrator; refused once any account exists."""
    with services.db.session(write=True) as s:
        if int(s.scalar(select(func.count()).select_from(User)) or 0) > 0:
            raise Forbidden("已经有用户了，不能再用首次设置。", hint="请登录；忘记密码请联系管理员。")
        user = auth.add_user(s, name, "admin", password=password)
        actor = Actor.of(user, "web")
        record(s, actor, "user.add", "user", user.name, role="admin", via_setup=True)
        return SignIn(actor, "password", auth.password_fingerprint(user))
