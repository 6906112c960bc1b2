"""Identity and administration: who am I, users, tokens and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import current_user, get_db, get_session, needs
from fuqing.audit import record
from fuqing.auth import PERMISSIONS, ROLE_NAMES, Role, add_user, create_token, revoke_tokens
from fuqing.db import Database
from fuqing.models import AuditLog, User

router = APIRouter(prefix="/api", tags=["admin"])


class UserIn(BaseModel):
    name: str
    role: str = Field(..., description="fieldworker | staff | researcher | admin")
    display_name: str | None = None
    password: str | None = None


@router.get("/health", tags=["meta"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me")
def me(user: User = Depends(current_user)) -> dict[str, Any]:
    role = Role(user.role)
    return {
        "name": user.name,
        "role": user.role,
        "role_name": ROLE_NAMES[role],
        "permissions": sorted(PERMISSIONS[role]),
    }


@router.get("/users")
def users(
    user: User = Depends(needs("user:manage")), session: Session = Depends(get_session)
) -> list[dict[str, Any]]:
    return [
        {
            "name": u.name,
            "role": u.role,
            "display_name": u.display_name,
            "active": u.active,
            "created_at": u.created_at,
        }
        for u in session.scalars(select(User).order_by(User.id))
    ]


@router.post("/users", status_code=201)
def new_user(
    body: UserIn, user: User = Depends(needs("user:manage")), db: Database = Depends(get_db)
) -> dict[str, Any]:
    with db.session(write=True) as session:
        u = add_user(session, body.name, body.role, password=body.password, display_name=body.display_name)
        record(session, user, "user.add", "user", u.name, role=u.role)
        return {"name": u.name, "role": u.role}


@router.post("/users/{name}/tokens", status_code=201)
def new_token(
    name: str, user: User = Depends(needs("user:manage")), db: Database = Depends(get_db)
) -> dict[str, Any]:
    with db.session(write=True) as session:
        token = create_token(session, name)
        record(session, user, "token.create", "user", name)
    return {"name": name, "token": token, "note": "令牌只显示这一次，请妥善保存。"}


@router.delete("/users/{name}/tokens")
def drop_tokens(
    name: str, user: User = Depends(needs("user:manage")), db: Database = Depends(get_db)
) -> dict[str, Any]:
    with db.session(write=True) as session:
        n = revoke_tokens(session, name)
        record(session, user, "token.revoke", "user", name, count=n)
    return {"name": name, "revoked": n}


@router.get("/audit")
def audit(
    limit: int = Query(100, ge=1, le=1000),
    user: User = Depends(needs("audit:read")),
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    rows = session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit))
    return [
        {
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            "object_type": r.object_type,
            "object_id": r.object_id,
            "detail": r.detail,
        }
        for r in rows
    ]
