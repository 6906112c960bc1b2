"""Agreement between the model and human reviewers: Cohen's kappa per label, and the labels it gates.

A label whose kappa (on enough reviewed responses) is below the floor is stored as 'needs_review' instead of being
applied silently (see survey/labels.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fuqing.models import Response, ResponseLabel
from nlp.taxonomy import taxonomy

MIN_REVIEWED_FOR_GATE = 20


@dataclass
class Agreement:
    label: str
    n: int
    kappa: float | None
    model_yes: int
    human_yes: int


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1:
        return 1.0 if po == 1 else 0.0
    return (po - pe) / (1 - pe)


def gated_labels(session: Session, floor: float) -> set[str]:
    """Labels whose measured agreement is below the floor (with enough reviewed responses to measure it)."""
    return {
        a.label
        for a in agreement(session)
        if a.kappa is not None and a.n >= MIN_REVIEWED_FOR_GATE and a.kappa < floor
    }


def agreement(session: Session) -> list[Agreement]:
    """Cohen's kappa per label between the machine's and the human's labels on reviewed responses."""
    reviewed = list(session.scalars(select(Response.id).where(Response.review_status == "reviewed")))
    if not reviewed:
        return [Agreement(lab, 0, None, 0, 0) for lab in taxonomy().ids]
    rows = session.execute(
        select(ResponseLabel.response_id, ResponseLabel.label, ResponseLabel.source).where(
            ResponseLabel.response_id.in_(reviewed)
        )
    ).all()
    machine: dict[int, set[str]] = {}
    human: dict[int, set[str]] = {}
    for rid, lab, source in rows:
        (human if source == "human" else machine).setdefault(rid, set()).add(lab)
    out = []
    for lab in taxonomy().ids:
        a = [int(lab in machine.get(r, set())) for r in reviewed]
        b = [int(lab in human.get(r, set())) for r in reviewed]
        out.append(Agreement(lab, len(reviewed), cohen_kappa(a, b), sum(a), sum(b)))
    return out
