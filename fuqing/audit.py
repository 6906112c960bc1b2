"""The audit log: who did what, when, to which object. Details carry ids and counts, never personal fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.bulk import insert_rows
from fuqing.models import AuditLog

_FORBIDDEN_KEYS = {"text", "text_raw", "answers", "name_of_respondent", "phone", "id_number", "ip"}

Entry = tuple[Actor, str, str | None, object, dict[str, Any]]


def _row(
    actor: Actor, action: str, object_type: str | None, object_id: object, detail: dict[str, Any]
) -> dict:
    leaked = _FORBIDDEN_KEYS & set(detail)
    if leaked:  # a programming error: personal fields must never reach the audit log
        raise ValueError(f"audit detail must not contain {sorted(leaked)}")
    return {
        "actor": actor.name,
        "user_id": actor.user_id,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "detail": {**detail, "via": actor.channel},
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: object = None,
    **detail: Any,
) -> None:
    session.add(AuditLog(**_row(actor, action, object_type, object_id, detail)))


def record_many(session: Session, entries: list[Entry]) -> None:
    """Many audit entries in one executemany, for grouped writes: (actor, action, type, id, detail) each."""
    insert_rows(session, AuditLog.__table__, [_row(*entry) for entry in entries])
