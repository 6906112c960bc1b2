"""Accounts: who may use fuqing, with which role, and their API tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from fuqing import auth
from fuqing.models import ApiToken, User
from usecases.context import Ctx, use_case


@use_case()
def whoami(ctx: Ctx) -> dict[str, Any]:
    return {
        "name": ctx.actor.name,
        "role": ctx.actor.role.value,
        "role_name": ctx.actor.role_name,
        "permissions": sorted(ctx.actor.permissions),
    }


@use_case("user:manage")
def list_users(ctx: Ctx) -> list[dict[str, Any]]:
    """Every account with its role and how many tokens it holds that are not revoked."""
    with ctx.db.session() as s:
        tokens = dict(
            s.execute(
                select(ApiToken.user_id, func.count())
                .where(ApiToken.revoked_at.is_(None))
                .group_by(ApiToken.user_id)
            ).all()
        )
        return [
            {
                "name": u.name,
                "role": u.role,
                "role_name": auth.ROLE_NAMES[auth.Role(u.role)],
                "display_name": u.display_name,
                "active": u.active,
                "created_at": u.created_at,
                "tokens": int(tokens.get(u.id, 0)),
                "has_password": bool(u.password_hash),
            }
            for u in s.scalars(select(User).order_by(User.id))
        ]


@use_case("user:manage")
def add_user(
    ctx: Ctx,
    name: str,
    role: str,
    *,
    password: str | None = None,
    display_name: str | None = None,
    county: str | None = None,
    village: str | None = None,
) -> dict[str, Any]:
    """A new account; ``county``/``village`` set the area a cadre answers for (follow-up cases), empty: all."""
    with ctx.db.session(write=True) as s:
        u = auth.add_user(
            s, name, role, password=password, display_name=display_name, county=county, village=village
        )
        ctx.audit(s, "user.add", "user", u.name, role=u.role, county=u.county, village=u.village)
        return {"id": u.id, "name": u.name, "role": u.role, "county": u.county, "village": u.village}


@use_case("user:manage")
def set_password(ctx: Ctx, name: str, password: str) -> None:
    with ctx.db.session(write=True) as s:
        auth.set_password(s, name, password)
        ctx.audit(s, "user.password", "user", name)


@use_case("user:manage")
def create_token(ctx: Ctx, name: str, label: str | None = None) -> str:
    """A new token for ``name``: returned once, stored only as a hash."""
    with ctx.db.session(write=True) as s:
        token = auth.create_token(s, name, label)
        ctx.audit(s, "token.create", "user", name)
    return token


@use_case("user:manage")
def revoke_tokens(ctx: Ctx, name: str) -> int:
    with ctx.db.session(write=True) as s:
        n = auth.revoke_tokens(s, name)
        ctx.audit(s, "token.revoke", "user", name, count=n)
    return n
