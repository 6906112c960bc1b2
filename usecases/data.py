"""The data's life cycle: backups and restores, erasing one respondent or a whole survey, and the retention period
after which identifying fields are destroyed. Every step is audited, never with content."""

from __future__ import annotations

from pathlib import Path

from survey import erasure
from usecases.context import Ctx, use_case


@use_case("data:erase")
def erase_response(ctx: Ctx, response_id: int) -> dict[str, int]:
    """Erase one respondent: her answer, labels and contact record."""
    with ctx.db.session(write=True) as s:
        survey_id = erasure.erase_response(s, response_id)
        ctx.audit(s, "erase.response", "response", response_id, survey_id=survey_id)
    return {"response_id": response_id, "survey_id": survey_id}


@use_case("data:erase")
def erase_survey(ctx: Ctx, survey_id: int) -> dict[str, int]:
    """Erase a survey with everything collected in it."""
    with ctx.db.session(write=True) as s:
        counts = erasure.erase_survey(s, survey_id)
        ctx.audit(s, "erase.survey", "survey", survey_id, **counts)
    return {"survey_id": survey_id, **counts}


@use_case("data:erase")
def expire_contacts(ctx: Ctx) -> int:
    """Apply the retention period (``FUQING_CONTACT_RETENTION_DAYS``): contact records older than it are
    destroyed; nothing happens when no period is set."""
    days = ctx.settings.contact_retention_days
    if days is None:
        return 0
    with ctx.db.session(write=True) as s:
        n = erasure.expire_contacts(s, days)
        if n:
            ctx.audit(s, "contact.expire", "contact", None, count=n, days=days)
    return n


@use_case("data:backup")
def backup(ctx: Ctx, output: Path) -> Path:
    """A consistent copy of the database (SQLite's online backup, or pg_dump) while the service runs. The data key
    is not in it: keep the key apart, or the contact fields in the copy cannot be read."""
    from fuqing.backup import backup_database

    path = backup_database(ctx.settings, ctx.db, output)
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "data.backup", "database", None, file=path.name)
    return path


@use_case("data:backup")
def restore(ctx: Ctx, source: Path) -> Path:
    """Replace the database with a backup (the service must be stopped: its connections would see a swap)."""
    from fuqing.backup import restore_database

    restore_database(ctx.settings, ctx.db, source)
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "data.restore", "database", None, file=source.name)
    return source
