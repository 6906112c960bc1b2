"""The audit log: who did what, when, to which object. Details carry ids and counts, never personal fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

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
