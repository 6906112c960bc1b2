"""Review of machine labels by a person: the queue, a correction, and how well model and people agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from survey import agreement, review
from usecases.context import Ctx, use_case


@use_case("review:write")
def review_queue(ctx: Ctx, limit: int = 50, survey_id: int | None = None) -> list[dict[str, Any]]:
    """Responses the machine was unsure about, or whose labels are gated by low agreement."""
    ctx.services.settle()  # submissions queued for tagging belong in the queue shown
    with ctx.db.session() as s:
        return review.review_queue(s, limit, survey_id)


@use_case("review:write")
def review_response(
    ctx: Ctx, response_id: int, labels: Sequence[str] | None, *, with_counts: bool = False
) -> dict[str, Any]:
    """Accept the machine's labels (``labels`` None) or set the right ones; they win over the machine's from now on.

    ``with_counts`` adds the survey's label counts after the change, so a page can show both at once.
    """
    from findings.summaries import Filters
    from usecases.findings import summarize

    with ctx.db.session(write=True) as s:
        result = review.review(s, response_id, labels, ctx.actor)
    if not with_counts:
        return result
    return {**result, "counts": summarize(ctx, Filters(survey_id=result["survey_id"]), with_keywords=False)}


@use_case("summary:read")
def label_agreement(ctx: Ctx) -> list[agreement.Agreement]:
    """Cohen's kappa per label between the model and human reviews."""
    ctx.services.settle()
    with ctx.db.session() as s:
        return agreement.agreement(s)
