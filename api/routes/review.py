"""Labels and review: tag a text, a response's labels, the review queue, corrections, agreement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

import usecases as uc
from api.deps import ApiCtx, Id

router = APIRouter(prefix="/api", tags=["labels"])


class TextIn(BaseModel):
    text: str = Field(..., max_length=20000)


class ReviewIn(BaseModel):
    labels: list[str] | None = Field(None, description="正确的标签 id；null 表示接受机器标签")


@router.post("/nlp/tag")
def tag_text(body: TextIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.tag_text(ctx, body.text)


@router.get("/review")
def queue(
    ctx: ApiCtx, limit: int = Query(50, ge=1, le=500), survey_id: int | None = None
) -> list[dict[str, Any]]:
    return uc.review_queue(ctx, limit, survey_id)


@router.get("/responses/{response_id}/labels")
def response_labels(response_id: Id, ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.response_labels(ctx, response_id)


@router.post("/review/{response_id}")
def correct(response_id: Id, body: ReviewIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.review_response(ctx, response_id, body.labels)


@router.get("/review/agreement")
def kappa(ctx: ApiCtx) -> list[dict[str, Any]]:
    return [a.__dict__ for a in uc.label_agreement(ctx)]
