"""Identity and administration: who am I, users, tokens and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

import usecases as uc
from api.deps import ApiCtx

router = APIRouter(prefix="/api", tags=["admin"])


class UserIn(BaseModel):
    name: str
    role: str = Field(..., description="fieldworker | staff | caseworker | researcher | admin")
    display_name: str | None = None
    password: str | None = None
    county: str | None = Field(None, max_length=60, description="负责的县（区）；空表示全省")
    village: str | None = Field(None, max_length=60, description="负责的村（社区）；空表示全县")


@router.get("/health", tags=["meta"])
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me")
def me(ctx: ApiCtx) -> dict[str, Any]:
    return uc.whoami(ctx)


@router.get("/users")
def users(ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.list_users(ctx)


@router.post("/users", status_code=201)
def new_user(body: UserIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.add_user(
        ctx,
        body.name,
        body.role,
        password=body.password,
        display_name=body.display_name,
        county=body.county,
        village=body.village,
    )


@router.post("/users/{name}/tokens", status_code=201)
def new_token(name: str, ctx: ApiCtx) -> dict[str, Any]:
    token = uc.create_token(ctx, name)
    return {"name": name, "token": token, "note": "令牌只显示这一次，请妥善保存。"}


@router.delete("/users/{name}/tokens")
def drop_tokens(name: str, ctx: ApiCtx) -> dict[str, Any]:
    return {"name": name, "revoked": uc.revoke_tokens(ctx, name)}


@router.get("/audit")
def audit(ctx: ApiCtx, limit: int = Query(100, ge=1, le=1000)) -> list[dict[str, Any]]:
    return uc.read_audit_log(ctx, limit)
