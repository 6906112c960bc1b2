"""Surveys, single responses and reading responses."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import usecases as uc
from api.deps import ApiCtx, Id
from fuqing.errors import InputError

router = APIRouter(prefix="/api", tags=["surveys"])


class QuestionIn(BaseModel):
    key: str | None = None
    text: str
    type: str = "text"
    options: list[str] = Field(default_factory=list)


class SurveyIn(BaseModel):
    title: str = Field(..., description="调查标题")
    description: str | None = None
    questions: list[QuestionIn] = Field(default_factory=list)
    needs_question: str | None = Field(None, description="开放需求题的 key")


class ContactIn(BaseModel):
    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=200)
    other: str | None = Field(None, max_length=200)


class ResponseIn(BaseModel):
    source_id: str | None = Field(None, description="外部编号；同一调查中重复提交同一编号不会产生重复")
    submission_id: str | None = Field(
        None,
        max_length=80,
        description="客户端为每份填写生成一次的编号（如 UUID），网络重试时原样再发，不会重复保存；"
        "不带此编号时，内容相同的两次提交记为两份回答",
    )
    text: str | None = Field(None, description="开放需求题的回答")
    county: str | None = None
    township: str | None = None
    village: str | None = None
    age: int | str | None = None
    marital_status: str | None = None
    channel: str | None = None
    fieldworker: str | None = None
    collected_at: datetime | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    contact: ContactIn | None = Field(
        None, description="联系信息（可选）：加密单独保存，只有跟进人员和管理员可逐个查看"
    )


@router.get("/surveys")
def surveys(ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.list_surveys(ctx)


@router.post("/surveys", status_code=201)
def new_survey(body: SurveyIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.create_survey(
        ctx,
        body.title,
        questions=[q.model_dump() for q in body.questions],
        needs_question=body.needs_question,
        description=body.description,
    )


@router.get("/surveys/{survey_id}")
def one_survey(survey_id: Id, ctx: ApiCtx) -> dict[str, Any]:
    return uc.get_survey(ctx, survey_id)


@router.delete("/surveys/{survey_id}")
def erase_survey(survey_id: Id, ctx: ApiCtx) -> dict[str, int]:
    """Erase a survey with every response, upload and contact record (admins; audited without content)."""
    return uc.erase_survey(ctx, survey_id)


@router.post("/surveys/{survey_id}/responses", status_code=201)
async def new_response(survey_id: Id, body: ResponseIn, ctx: ApiCtx) -> JSONResponse:
    stored = await uc.submit_response(ctx, survey_id, body.model_dump())
    return JSONResponse(asdict(stored), status_code=201 if stored.created else 200)


@router.get("/responses")
def responses(
    ctx: ApiCtx,
    survey_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    raw: bool = Query(False, description="不再提供：原始内容请逐个查看 /api/responses/{id}/contact"),
) -> dict[str, Any]:
    if raw:
        raise InputError(
            "原始内容不再成批提供：身份信息与原话加密单独保存。",
            hint="需要联系某位受访者时，用 GET /api/responses/{编号}/contact 逐个查看（需联系信息查看权限，每次查看都记入审计日志）。",
        )
    return uc.list_responses(ctx, survey_id, limit=limit, offset=offset)


@router.delete("/responses/{response_id}")
def erase_response(response_id: Id, ctx: ApiCtx) -> dict[str, int]:
    """Erase one respondent: her answer, labels and contact record (admins; audited without content)."""
    return uc.erase_response(ctx, response_id)


@router.get("/responses/{response_id}/contact")
def contact(response_id: Id, ctx: ApiCtx) -> dict[str, Any]:
    """The identifying fields of one respondent: admins and caseworkers only, each read audited."""
    return uc.read_contact(ctx, response_id)
