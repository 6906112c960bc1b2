"""Follow-up cases and referral contacts over HTTP (the use cases check who may do what)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

import usecases as uc
from api.deps import ApiCtx, Id

router = APIRouter(prefix="/api", tags=["cases"])

Status = Literal["contacted", "referred", "closed", "dismissed"]


class AssignIn(BaseModel):
    user_id: int = Field(..., ge=1, le=2**63 - 1, description="跟进人的用户编号")


class UpdateIn(BaseModel):
    status: Status | None = Field(None, description="新的状态；不改状态时留空")
    note: str | None = Field(None, max_length=2000, description="记录（加密保存）")
    reason: str | None = Field(None, max_length=200, description="标为误报时的理由")


class ReferralIn(BaseModel):
    organisation: str = Field(..., min_length=1, max_length=120)
    phone: str = Field(..., min_length=1, max_length=40)
    county: str | None = Field(None, max_length=60)
    handles: list[Literal["violence", "self_harm", "child_safety", "acute_hardship"]] = Field(
        default_factory=list
    )


@router.get("/cases")
def list_cases(
    ctx: ApiCtx,
    status: Literal["open", "all", "new", "contacted", "referred", "closed", "dismissed"] = "open",
    limit: int = Query(200, ge=1, le=1000),
) -> list[dict[str, Any]]:
    return uc.list_cases(ctx, status, limit)


@router.get("/cases/report")
def case_report(ctx: ApiCtx) -> dict[str, Any]:
    return uc.case_report(ctx)


@router.get("/cases/feedback")
def case_feedback(ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.case_feedback(ctx)


@router.get("/cases/{case_id}")
def show_case(case_id: Id, ctx: ApiCtx) -> dict[str, Any]:
    return uc.show_case(ctx, case_id)


@router.post("/cases/{case_id}/assign")
def assign_case(case_id: Id, body: AssignIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.assign_case(ctx, case_id, body.user_id)


@router.post("/cases/{case_id}/update")
def update_case(case_id: Id, body: UpdateIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.update_case(ctx, case_id, body.status, body.note, body.reason)


@router.post("/cases/{case_id}/contact")
def case_contact(case_id: Id, ctx: ApiCtx) -> dict[str, Any]:
    return uc.read_case_contact(ctx, case_id)


@router.get("/referrals")
def list_referrals(ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.list_referrals(ctx)


@router.post("/referrals", status_code=201)
def add_referral(body: ReferralIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.add_referral(ctx, body.organisation, body.phone, body.county, list(body.handles))


@router.delete("/referrals/{referral_id}", status_code=204)
def remove_referral(referral_id: Id, ctx: ApiCtx) -> None:
    uc.remove_referral(ctx, referral_id)
