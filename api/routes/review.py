"""Tagging and review: tag a text, the review queue, corrections, agreement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import get_db, get_settled_session, needs
from fuqing.db import Database
from fuqing.models import User
from survey.tagging import agreement, labels_of, review, review_queue

router = APIRouter(prefix="/api", tags=["tagging"])


class TextIn(BaseModel):
    text: str = Field(..., max_length=20000)


class ReviewIn(BaseModel):
    labels: list[str] | None = Field(None, description="正确的标签 id；null 表示接受机器标签")


@router.post("/nlp/tag")
def tag_text(request: Request, body: TextIn, user: User = Depends(needs("summary:read"))) -> dict[str, Any]:
    [t] = request.app.state.tagger.get().tag([body.text])
    return {
        "labels": [lab.to_dict() for lab in t.labels],
        "uncertain": t.uncertain,
        "disagreements": t.disagreements,
        "injection": t.injection,
    }


@router.get("/review")
def queue(
    limit: int = Query(50, ge=1, le=500),
    survey_id: int | None = None,
    user: User = Depends(needs("review:write")),
    session: Session = Depends(get_settled_session),
) -> list[dict[str, Any]]:
    return review_queue(session, limit, survey_id)


@router.get("/responses/{response_id}/labels")
def response_labels(
    response_id: int,
    user: User = Depends(needs("response:read")),
    session: Session = Depends(get_settled_session),
) -> list[dict[str, Any]]:
    return labels_of(session, response_id)


@router.post("/review/{response_id}")
def correct(
    response_id: int,
    body: ReviewIn,
    user: User = Depends(needs("review:write")),
    db: Database = Depends(get_db),
) -> dict[str, Any]:
    with db.session(write=True) as session:
        return review(session, response_id, body.labels, user)


@router.get("/review/agreement")
def kappa(
    user: User = Depends(needs("summary:read")), session: Session = Depends(get_settled_session)
) -> list[dict[str, Any]]:
    return [a.__dict__ for a in agreement(session)]
