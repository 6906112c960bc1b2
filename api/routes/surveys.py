"""Surveys, single responses and reading responses."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import get_db, get_session, needs
from fuqing.auth import require
from fuqing.db import Database
from fuqing.models import User
from survey.responses import list_responses
from survey.surveys import create_survey, get_survey, list_surveys

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
def surveys(
    user: User = Depends(needs("survey:read")), session: Session = Depends(get_session)
) -> list[dict[str, Any]]:
    return list_surveys(session)


@router.post("/surveys", status_code=201)
def new_survey(
    body: SurveyIn, user: User = Depends(needs("survey:create")), db: Database = Depends(get_db)
) -> dict[str, Any]:
    with db.session(write=True) as session:
        s = create_survey(
            session,
            body.title,
            questions=[q.model_dump() for q in body.questions],
            needs_question=body.needs_question,
            description=body.description,
            user=user,
        )
        return {"id": s.id, "title": s.title, "questions": s.questions, "needs_question": s.needs_question}


@router.get("/surveys/{survey_id}")
def one_survey(
    survey_id: int, user: User = Depends(needs("survey:read")), session: Session = Depends(get_session)
) -> dict[str, Any]:
    s = get_survey(session, survey_id)
    return {
        "id": s.id,
        "title": s.title,
        "description": s.description,
        "questions": s.questions,
        "needs_question": s.needs_question,
        "is_demo": s.is_demo,
    }


@router.post("/surveys/{survey_id}/responses", status_code=201)
async def new_response(
    request: Request,
    survey_id: int,
    body: ResponseIn,
    user: User = Depends(needs("response:create")),
) -> JSONResponse:
    # Stored together with the submissions that arrived in the same turn of the loop (api/submissions.py).
    stored = await request.app.state.submissions.submit(survey_id, body.model_dump(), user)
    return JSONResponse(asdict(stored), status_code=201 if stored.created else 200)


@router.get("/responses")
def responses(
    survey_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    raw: bool = Query(False, description="原始文本（仅管理员）"),
    user: User = Depends(needs("response:read")),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    if raw:
        require(user, "response:read_raw")
    return list_responses(session, survey_id, limit=limit, offset=offset, raw=raw)
