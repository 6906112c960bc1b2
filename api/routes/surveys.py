"""Surveys, single responses and reading responses."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import usecases as uc
from api.deps import ApiCtx

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


class ResponseIn(BaseModel):
    source_id: str | None = Field(None, description="外部编号；同一调查中重复提交同一编号不会产生重复")
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
def one_survey(survey_id: int, ctx: ApiCtx) -> dict[str, Any]:
    return uc.get_survey(ctx, survey_id)


@router.post("/surveys/{survey_id}/responses", status_code=201)
async def new_response(survey_id: int, body: ResponseIn, ctx: ApiCtx) -> JSONResponse:
    stored = await uc.submit_response(ctx, survey_id, body.model_dump())
    return JSONResponse(asdict(stored), status_code=201 if stored.created else 200)


@router.get("/responses")
def responses(
    ctx: ApiCtx,
    survey_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    raw: bool = Query(False, description="原始文本（仅管理员）"),
) -> dict[str, Any]:
    return uc.list_responses(ctx, survey_id, limit=limit, offset=offset, raw=raw)
