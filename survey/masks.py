"""Label bit masks on responses: kept in step with the applied labels so that summaries count every label in one
scan of ``responses`` without a join."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from fuqing.models import Response, ResponseLabel
from fuqing.revisions import next_rev
from nlp.taxonomy import taxonomy


def bit_of(label: str) -> tuple[str, int]:
    """The mask column and bit of a label: its position within its family in taxonomy order."""
    tax = taxonomy()
    family = tax.family_of(label)
    return ("groups_mask" if family == "groups" else "needs_mask"), 1 << [
        lab.id for lab in tax.family(family)
    ].index(label)


def refresh_masks(session: Session, response_ids: Sequence[int]) -> None:
    """Recompute the label bit masks of these responses from their applied labels."""
    ids = list(response_ids)
    if not ids:
        return
    masks = {rid: {"groups_mask": 0, "needs_mask": 0} for rid in ids}
    rows = session.execute(
        select(ResponseLabel.response_id, ResponseLabel.label).where(
            ResponseLabel.response_id.in_(ids), ResponseLabel.status == "applied"
        )
    ).all()
    for rid, lab in rows:
        column, bit = bit_of(lab)
        masks[rid][column] |= bit
    rev = next_rev(session)
    session.execute(
        update(Response.__table__).where(Response.__table__.c.id == bindparam("rid")),
        [
            {"rid": rid, "groups_mask": m["groups_mask"], "needs_mask": m["needs_mask"], "rev": rev}
            for rid, m in masks.items()
        ],
    )
