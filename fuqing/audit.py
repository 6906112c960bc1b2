"""The audit log: who did what, when, to which object. Details carry ids and counts, never personal fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fuqing.bulk import insert_rows
from fuqing.models import AuditLog, User

_FORBIDDEN_KEYS = {"text", "text_raw", "answers", "name_of_respondent", "phone", "id_number", "ip"}


def record(
    session: Session,
    actor: User | str | None,
    action: str,
    object_type: str | None = None,
    object_id: object = None,
    **detail: Any,
) -> None:
    leaked = _FORBIDDEN_KEYS & set(detail)
    if leaked:  # a programming error: personal fields must never reach the audit log
        raise ValueError(f"audit detail must not contain {sorted(leaked)}")
    if isinstance(actor, User):
        name, uid = actor.name, actor.id
    else:
        name, uid = actor or "system", None
    session.add(
        AuditLog(
            actor=name,
            user_id=uid,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            detail=detail,
        )
    )


def record_many(
    session: Session, entries: list[tuple[User | str | None, str, str | None, object, dict[str, Any]]]
) -> None:
    """Many audit entries in one executemany, for grouped writes: (actor, action, type, id, detail) each."""
    rows = []
    for actor, action, object_type, object_id, detail in entries:
        leaked = _FORBIDDEN_KEYS & set(detail)
        if leaked:
            raise ValueError(f"audit detail must not contain {sorted(leaked)}")
        name, uid = (actor.name, actor.id) if isinstance(actor, User) else (actor or "system", None)
        rows.append(
            {
                "actor": name,
                "user_id": uid,
                "action": action,
                "object_type": object_type,
                "object_id": None if object_id is None else str(object_id),
                "detail": detail,
            }
        )
    insert_rows(session, AuditLog.__table__, rows)
