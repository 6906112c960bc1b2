"""Respondents' identifying fields, sealed (fuqing/vault.py) in their own table and read one at a time.

Why apart: summaries, quotes, reports, exports and evaluation runs read ``responses``; nothing there can leak what
is not there. The contact record of a response holds its identifying answers (by question key) and the raw open
answer where redaction changed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from fuqing.bulk import insert_rows
from fuqing.models import Contact, Survey
from fuqing.vault import Vault


def _bound(response_id: int) -> str:
    return f"response:{response_id}"


def store_contacts(
    session: Session, vault: Vault, survey_id: int, items: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Seal and store (response id, contact) pairs, in the caller's transaction."""
    rows = [
        {
            "response_id": rid,
            "survey_id": survey_id,
            "key_id": vault.key_id,
            "sealed": vault.seal(contact, _bound(rid)),
        }
        for rid, contact in items
        if contact
    ]
    if rows:
        insert_rows(session, Contact.__table__, rows)


def read_contact(session: Session, vault: Vault, response_id: int) -> dict[str, Any] | None:
    """The contact fields of one response, labelled with their questions; None when it has none."""
    row = session.get(Contact, response_id)
    if row is None:
        return None
    data = vault.unseal(row.sealed, _bound(response_id))
    questions = {q["key"]: q["text"] for q in (session.get(Survey, row.survey_id).questions or [])}  # type: ignore[union-attr]
    fields = [
        {"key": k, "question": questions.get(k, k), "value": v} for k, v in data.get("fields", {}).items()
    ]
    return {"response_id": response_id, "fields": fields, "text_raw": data.get("text_raw")}


def erase_contacts(
    session: Session, *, response_ids: Sequence[int] = (), survey_id: int | None = None
) -> int:
    q = delete(Contact)
    if survey_id is not None:
        q = q.where(Contact.survey_id == survey_id)
    else:
        q = q.where(Contact.response_id.in_(list(response_ids)))
    return int(session.execute(q).rowcount or 0)  # type: ignore[attr-defined]
