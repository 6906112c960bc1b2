"""Erasing what was collected about a woman, or a whole survey: answers, labels, contact records, row errors.

Why deletion cascades in the database: what is erased must be gone from every table at once, and the summary
indexes that cache responses are told to start over (fuqing/revisions.mark_erased), so no figure keeps her.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fuqing.errors import NotFound
from fuqing.models import Contact, Response, Survey, Upload
from fuqing.revisions import mark_erased
from fuqing.timeutil import utcnow


def erase_response(session: Session, response_id: int) -> int:
    """Delete one response (its labels and contact record go with it); returns its survey id."""
    survey_id = session.scalar(select(Response.survey_id).where(Response.id == response_id))
    if survey_id is None:
        raise NotFound(f"没有编号为 {response_id} 的回答。", hint="请核对回答编号。")
    session.execute(delete(Response).where(Response.id == response_id))
    mark_erased(session)
    return int(survey_id)


def erase_survey(session: Session, survey_id: int) -> dict[str, int]:
    """Delete a survey with every response, upload and contact record of it; returns what was deleted."""
    if session.get(Survey, survey_id) is None:
        raise NotFound(f"没有编号为 {survey_id} 的调查。", hint="请在调查列表中核对编号。")
    counts = {
        "responses": _count(session, Response, Response.survey_id == survey_id),
        "contacts": _count(session, Contact, Contact.survey_id == survey_id),
        "uploads": _count(session, Upload, Upload.survey_id == survey_id),
    }
    session.execute(delete(Response).where(Response.survey_id == survey_id))
    session.execute(delete(Upload).where(Upload.survey_id == survey_id))
    session.execute(delete(Survey).where(Survey.id == survey_id))
    mark_erased(session)
    return counts


def expire_contacts(session: Session, days: int) -> int:
    """Destroy the contact records stored more than ``days`` days ago (the retention period); answers stay."""
    cutoff = utcnow() - timedelta(days=days)
    return int(session.execute(delete(Contact).where(Contact.created_at < cutoff)).rowcount or 0)  # type: ignore[attr-defined]


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
