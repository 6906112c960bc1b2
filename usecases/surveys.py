"""Surveys: creating one, listing them, reading one."""

from __future__ import annotations

from typing import Any

from survey import surveys
from usecases.context import Ctx, use_case


@use_case("survey:read")
def list_surveys(ctx: Ctx) -> list[dict[str, Any]]:
    """Every survey with its number of responses."""
    with ctx.db.session() as s:
        return surveys.list_surveys(s)


@use_case("survey:read")
def get_survey(ctx: Ctx, survey_id: int) -> dict[str, Any]:
    with ctx.db.session() as s:
        sv = surveys.get_survey(s, survey_id)
        return {
            "id": sv.id,
            "title": sv.title,
            "description": sv.description,
            "questions": sv.questions,
            "needs_question": sv.needs_question,
            "is_demo": sv.is_demo,
        }


@use_case("survey:create")
def create_survey(
    ctx: Ctx,
    title: str,
    *,
    questions: list[dict[str, Any]] | None = None,
    needs_question: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """A new survey (audited as ``survey.create``)."""
    with ctx.db.session(write=True) as s:
        sv = surveys.create_survey(
            s,
            title,
            questions=questions,
            needs_question=needs_question,
            description=description,
            actor=ctx.actor,
        )
        return {
            "id": sv.id,
            "title": sv.title,
            "questions": sv.questions,
            "needs_question": sv.needs_question,
        }
