"""Single responses: submitted from a phone or through the API, and read back in the form a role may see."""

from __future__ import annotations

from typing import Any

from fuqing.errors import NotFound
from fuqing.models import Response
from survey import contacts, responses
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
        [stored] = responses.store_responses(s, [prepared], ctx.services.vault)
        if isinstance(stored, NotFound):
            raise stored
        if stored.created:
            ctx.services.tag_batch(s, [stored.id])
    return stored


@use_case("response:read")
def list_responses(
    ctx: Ctx, survey_id: int | None = None, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """A page of responses as staff see them: redacted text and answers, no identifying field."""
    with ctx.db.session() as s:
        return responses.list_responses(s, survey_id, limit=limit, offset=offset)


@use_case("contact:read")
def read_contact(ctx: Ctx, response_id: int) -> dict[str, Any]:
    """The identifying fields of ONE respondent (to reach her again), for those who follow up; every read is an
    audit entry that names the response, never what was read."""
    with ctx.db.session() as s:
        if s.get(Response, response_id) is None:
            raise NotFound(f"没有编号为 {response_id} 的回答。", hint="请核对回答编号。")
        found = contacts.read_contact(s, ctx.services.vault, response_id)
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "contact.read", "response", response_id, found=found is not None)
    return found or {"response_id": response_id, "fields": [], "text_raw": None}
