"""Machine labels in the database: tagging responses (one batch, one write), retagging, and reading labels back.

Human labels are never touched here (see survey/review.py). A label whose measured agreement is below the floor is
stored as 'needs_review' and its response queued for review.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from fuqing.models import Response, ResponseLabel
from nlp.redact import StoredRedacted
from nlp.risk import RiskDetector
from nlp.risk_model import default_risk_detector
from nlp.tagger import Tagger, Tagging
from survey.agreement import gated_labels
from survey.cases import open_cases
from survey.masks import refresh_masks


def store_taggings(
    session: Session,
    response_ids: Sequence[int],
    taggings: Sequence[Tagging],
    version: str,
    *,
    gated: set[str],
    risk: RiskDetector | None = None,
) -> list[int]:
    """Replace the machine labels of these responses (human labels are never touched) and open a follow-up case
    for each that discloses risk (never gated: a disclosure reaches a person whatever the labels' agreement).
    Returns the ids of the new cases."""
    ids = list(response_ids)
    session.execute(
        delete(ResponseLabel).where(ResponseLabel.response_id.in_(ids), ResponseLabel.source != "human")
    )
    reviewed = set(
        session.scalars(select(Response.id).where(Response.id.in_(ids), Response.review_status == "reviewed"))
    )
    rows = []
    queued, injected = [], []
    for rid, t in zip(ids, taggings, strict=True):
        for lab in t.labels:
            status = (
                "superseded" if rid in reviewed else ("needs_review" if lab.label in gated else "applied")
            )
            rows.append(
                {
                    "response_id": rid,
                    "label": lab.label,
                    "family": lab.family,
                    "score": lab.score,
                    "source": lab.source,
                    "status": status,
                    "model_version": lab.model_version,
                    "prompt_hash": lab.prompt_hash,
                    "explanation": lab.explanation[:500],
                }
            )
        if rid not in reviewed and (t.needs_review or any(lab.label in gated for lab in t.labels)):
            queued.append(rid)
        if t.injection:
            injected.append(rid)
    if rows:
        session.execute(insert(ResponseLabel), rows)
    session.execute(update(Response).where(Response.id.in_(ids)).values(tagged_version=version))
    if queued:
        session.execute(update(Response).where(Response.id.in_(queued)).values(review_status="queued"))
    if injected:
        session.execute(update(Response).where(Response.id.in_(injected)).values(flag_injection=True))
    refresh_masks(session, ids)
    return open_cases(session, ids, risk or default_risk_detector())


def tag_responses(
    session: Session, response_ids: Sequence[int], tagger: Tagger, *, floor: float = 0.6
) -> int:
    ids, taggings = predict(session, response_ids, tagger)
    if ids:
        store_taggings(session, ids, taggings, tagger.version, gated=gated_labels(session, floor))
    return len(ids)


def predict(session: Session, response_ids: Sequence[int], tagger: Tagger) -> tuple[list[int], list[Tagging]]:
    """The taggings of the stored responses among these ids (each once), without writing anything."""
    ids = list(dict.fromkeys(response_ids))
    if not ids:
        return [], []
    texts = dict(
        session.execute(select(Response.id, Response.text_redacted).where(Response.id.in_(ids))).all()
    )
    ids = [i for i in ids if i in texts]
    return ids, tagger.tag([StoredRedacted(texts[i] or "") for i in ids])


# Answers tagged at a time by the intake hook: each step of tagging holds the interpreter for as long as its batch
# takes, and in the service the other requests wait meanwhile; a few hundred keep that wait short.
HOOK_CHUNK = 250


def batch_hook(tagger: Tagger, floor: float = 0.6) -> Callable[[Session, list[int]], None]:
    """The intake hook: every committed batch of an upload is tagged inside its own transaction."""

    def _hook(session: Session, ids: list[int]) -> None:
        for start in range(0, len(ids), HOOK_CHUNK):
            tag_responses(session, ids[start : start + HOOK_CHUNK], tagger, floor=floor)

    return _hook


def retag_all(
    db: Any,
    tagger: Tagger,
    *,
    floor: float = 0.6,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Tag every response again (after the model changed); human labels stay."""
    done = 0
    last = 0
    while True:
        with db.session(write=True) as s:
            ids = list(
                s.scalars(
                    select(Response.id).where(Response.id > last).order_by(Response.id).limit(batch_size)
                )
            )
            if not ids:
                break
            tag_responses(s, ids, tagger, floor=floor)
        last = ids[-1]
        done += len(ids)
        if progress:
            progress(done)
    return done


def labels_of(session: Session, response_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ResponseLabel).where(ResponseLabel.response_id == response_id).order_by(ResponseLabel.id)
    )
    return [
        {
            "label": r.label,
            "family": r.family,
            "score": r.score,
            "source": r.source,
            "status": r.status,
            "model_version": r.model_version,
            "explanation": r.explanation,
        }
        for r in rows
    ]


def label_counts(session: Session) -> dict[str, int]:
    return dict(
        session.execute(
            select(ResponseLabel.label, func.count())
            .where(ResponseLabel.status == "applied")
            .group_by(ResponseLabel.label)
        ).all()
    )
