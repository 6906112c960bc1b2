"""Users, roles and API tokens. Tokens are random, shown once and stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fuqing.errors import AuthError, Conflict, InputError, NotFound
from fuqing.models import ApiToken, User, WebSession
from fuqing.passwords import hash_password, needs_rehash, verify_password
from fuqing.timeutil import utcnow


class Role(StrEnum):
    fieldworker = "fieldworker"
    staff = "staff"
    caseworker = "caseworker"
    researcher = "researcher"
    admin = "admin"


ROLE_NAMES = {
    Role.fieldworker: "调查员",
    Role.staff: "工作人员",
    Role.caseworker: "跟进人员",
    Role.researcher: "研究人员",
    Role.admin: "管理员",
}

_FIELDWORKER = {"survey:read", "response:create", "upload:create", "upload:read_own", "corpus:read"}
_STAFF = {
    "survey:read",
    "survey:create",
    "survey:edit",
    "response:read",
    "upload:read_all",
    "summary:read",
    "report:read",
    "review:write",
    "corpus:read",
}
# Follow-up cases (women whose answers disclose risk): staff of an area and caseworkers, never researchers.
_CASES = {"case:read", "case:work"}
_STAFF |= _CASES
# Follows up women who need contact (the only role besides admin that may read a respondent's contact fields).
_CASEWORKER = _STAFF | {"contact:read"}
_RESEARCHER = (_STAFF - _CASES) | {"eval:run", "eval:read", "export:deidentified", "model:train"}
_ADMIN = (
    _FIELDWORKER
    | _RESEARCHER
    | _CASEWORKER
    | {
        "user:manage",
        "audit:read",
        "corpus:write",
        "demo:load",
        "data:erase",
        "data:backup",
        "referral:manage",
    }
)

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.fieldworker: frozenset(_FIELDWORKER),
    Role.staff: frozenset(_STAFF),
    Role.caseworker: frozenset(_CASEWORKER),
    Role.researcher: frozenset(_RESEARCHER),
    Role.admin: frozenset(_ADMIN),
}


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InputError(
            f"未知角色 {value!r}。",
            hint="角色只能是 " + "、".join(f"{r.value}（{n}）" for r, n in ROLE_NAMES.items()) + "。",
        ) from None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def password_fingerprint(user: User) -> str:
    """A short digest of the stored password hash: a web session opened with the password ends when it changes."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"没有名为 {name} 的用户。", hint="用 `fuqing user add NAME --role ROLE` 创建。")
    return user


def add_user(
    session: Session,
    name: str,
    role: str,
    *,
    password: str | None = None,
    display_name: str | None = None,
    county: str | None = None,
    village: str | None = None,
) -> User:
    name = name.strip()
    if not name or len(name) > 80:
        raise InputError("用户名不能为空，且不超过 80 字。", hint="例如 zhang-san 或 张三。")
    r = parse_role(role)
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise Conflict(
            f"用户 {name} 已存在。", hint="换一个用户名，或用 `fuqing token create` 给已有用户发令牌。"
        )
    if password is not None and len(password) < 8:
        raise InputError("密码至少 8 位。", hint="请设置更长的密码。")
    user = User(
        name=name,
        role=r.value,
        display_name=display_name,
        password_hash=hash_password(password) if password else None,
        county=(county or "").strip()[:60] or None,
        village=(village or "").strip()[:60] or None,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, name: str, password: str) -> None:
    """A new password; every web session of the account ends."""
    if len(password) < 8:
        raise InputError("密码至少 8 位。", hint="请设置更长的密码。")
    user = get_user(session, name)
    user.password_hash = hash_password(password)
    end_sessions(session, user.id)


def end_sessions(session: Session, user_id: int) -> int:
    """End every open web session of the account (sign-out everywhere); how many were open."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def create_token(session: Session, name: str, label: str | None = None) -> str:
    """Create a token for user ``name``; the plain token is returned once and never stored."""
    user = get_user(session, name)
    token = "fq_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:10], label=label))
    session.flush()
    return token


def authenticate_token(session: Session, token: str | None) -> User:
    if not token:
        raise AuthError(
            "需要登录：请求没有携带令牌。",
            hint="在请求头加 Authorization: Bearer <令牌>，令牌用 `fuqing token create` 生成。",
        )
    # One row, the user only: this runs on every API request.
    user = session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == hash_token(token.strip()),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
    if user is None:
        raise AuthError("令牌无效或已被撤销。", hint="请向管理员重新申请令牌。")
    return user


def authenticate_password(session: Session, name: str, password: str) -> User:
    """The account, if the password is right. The same work whether or not the name exists (see
    fuqing/passwords.py); an old or weaker hash is replaced by a current one on success."""
    user = session.scalar(select(User).where(User.name == name))
    stored = user.password_hash if user is not None and user.active else None
    if not verify_password(password, stored) or user is None or stored is None:
        raise AuthError("用户名或密码不正确。", hint="请重试，或请管理员重置密码。")
    if needs_rehash(stored):
        user.password_hash = hash_password(password)
    return user


def revoke_tokens(session: Session, name: str) -> int:
    user = get_user(session, name)
    n = 0
    for t in user.tokens:
        if t.revoked_at is None:
            t.revoked_at = utcnow()
            n += 1
    end_sessions(session, user.id)  # the web sessions end with the tokens, also those opened with a password
    return n
