"""Labels in the database: tagging responses, the review queue, human corrections and model/human agreement.

Human labels win: a review marks the machine's labels of that response 'superseded' and stores the human's.
Agreement-gated automation: a label whose Cohen's kappa (model vs. human, on reviewed responses) is below the
floor is stored as 'needs_review' instead of being applied silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from fuqing.audit import record
from fuqing.errors import InputError, NotFound
from fuqing.models import Response, ResponseLabel, User
from fuqing.revisions import next_rev
from nlp.tagger import Tagger, Tagging
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


def store_taggings(
    session: Session,
    response_ids: Sequence[int],
    taggings: Sequence[Tagging],
    version: str,
    *,
    gated: set[str],
) -> None:
    """Replace the machine labels of these responses (human labels are never touched)."""
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
    return ids, tagger.tag([texts[i] or "" for i in ids])


def batch_hook(tagger: Tagger, floor: float = 0.6) -> Callable[[Session, list[int]], None]:
    """The intake hook: every committed batch of an upload is tagged inside its own transaction."""

    def _hook(session: Session, ids: list[int]) -> None:
        tag_responses(session, ids, tagger, floor=floor)

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


def review_queue(session: Session, limit: int = 50, survey_id: int | None = None) -> list[dict[str, Any]]:
    q = select(Response).where(Response.review_status == "queued").order_by(Response.id).limit(limit)
    if survey_id is not None:
        q = q.where(Response.survey_id == survey_id)
    return [
        {
            "id": r.id,
            "survey_id": r.survey_id,
            "text": r.text_redacted,
            "county": r.county,
            "labels": labels_of(session, r.id),
        }
        for r in session.scalars(q)
    ]


def review(
    session: Session, response_id: int, labels: Sequence[str] | None, user: User | None
) -> dict[str, Any]:
    """Accept the machine's labels (``labels`` None) or set the correct ones; stored as human labels."""
    resp = session.get(Response, response_id)
    if resp is None:
        raise NotFound(f"没有编号为 {response_id} 的回答。", hint="请从审核队列中选择。")
    known = set(taxonomy().ids)
    machine = session.scalars(
        select(ResponseLabel).where(ResponseLabel.response_id == response_id, ResponseLabel.source != "human")
    ).all()
    if labels is None:
        chosen = sorted({m.label for m in machine if m.status in ("applied", "needs_review")})
    else:
        unknown = [lab for lab in labels if lab not in known]
        if unknown:
            raise InputError(
                f"未知标签：{'、'.join(unknown)}。", hint="可用标签：" + "、".join(sorted(known))
            )
        chosen = sorted(set(labels))
    session.execute(
        delete(ResponseLabel).where(ResponseLabel.response_id == response_id, ResponseLabel.source == "human")
    )
    session.execute(
        update(ResponseLabel)
        .where(ResponseLabel.response_id == response_id, ResponseLabel.source != "human")
        .values(status="superseded")
    )
    for lab in chosen:
        session.add(
            ResponseLabel(
                response_id=response_id,
                label=lab,
                family=taxonomy().family_of(lab),
                score=1.0,
                source="human",
                status="applied",
                explanation="人工审核",
                created_by=user.id if user else None,
            )
        )
    resp.review_status = "reviewed"
    session.flush()
    refresh_masks(session, [response_id])
    record(session, user or "cli", "review", "response", response_id, labels=chosen)
    return {"id": response_id, "labels": chosen}


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


def reviewed_examples(session: Session) -> list[Any]:
    """Human-reviewed responses as training rows (redacted text), for the next training run."""
    from nlp.labelled import LabelledRow

    reviewed = session.scalars(
        select(Response).where(Response.review_status == "reviewed", Response.text_redacted.is_not(None))
    )
    out = []
    for r in reviewed:
        labs = session.scalars(
            select(ResponseLabel.label).where(
                ResponseLabel.response_id == r.id, ResponseLabel.source == "human"
            )
        ).all()
        fam = taxonomy()
        out.append(
            LabelledRow(
                f"db-{r.id}",
                r.text_redacted or "",
                [lab for lab in labs if fam.family_of(lab) == "groups"],
                [lab for lab in labs if fam.family_of(lab) == "needs"],
            )
        )
    return out


def label_counts(session: Session) -> dict[str, int]:
    return dict(
        session.execute(
            select(ResponseLabel.label, func.count())
            .where(ResponseLabel.status == "applied")
            .group_by(ResponseLabel.label)
        ).all()
    )
