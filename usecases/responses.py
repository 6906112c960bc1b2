"""Single responses: submitted from a phone or through the API, and read back in the form a role may see."""

from __future__ import annotations

from typing import Any

from fuqing.errors import NotFound
from survey import responses
from survey.responses import StoredResponse
from usecases.context import Ctx, use_case


@use_case("response:create")
async def submit_response(ctx: Ctx, survey_id: int, data: dict[str, Any]) -> StoredResponse:
    """Validate one submission (a bad one fails alone), store it with the others arriving now, queue its tagging.

    A ``source_id`` already stored for the survey returns that response (``created`` False): retries are safe.
    """
    prepared = responses.prepare_response(survey_id, data, ctx.actor)
    group = ctx.services.submissions
    if group is not None:
        return await group.submit(prepared)
    with ctx.db.session(write=True) as s:  # no service running: store and tag at once
        [stored] = responses.store_responses(s, [prepared])
        if isinstance(stored, NotFound):
            raise stored
        if stored.created:
            ctx.services.tag_batch(s, [stored.id])
    return stored


@use_case("response:read")
def list_responses(
    ctx: Ctx, survey_id: int | None = None, *, limit: int = 50, offset: int = 0, raw: bool = False
) -> dict[str, Any]:
    """A page of responses; the raw (unredacted) text only for those who may read it."""
    if raw:
        ctx.actor.require("response:read_raw")
    with ctx.db.session() as s:
        return responses.list_responses(s, survey_id, limit=limit, offset=offset, raw=raw)
