"""Human review of labels: the review queue, corrections, and model/human agreement (Cohen's kappa).

Human labels win: a review marks the machine's labels of that response 'superseded' and stores the human's.
Agreement-gated automation: a label whose kappa (model vs. human, on reviewed responses) is below the floor is
stored as 'needs_review' instead of being applied silently (see survey/labels.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.errors import InputError, NotFound
from fuqing.models import Response, ResponseLabel
from nlp.taxonomy import taxonomy
from survey.labels import labels_of
from survey.masks import refresh_masks


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


def review(session: Session, response_id: int, labels: Sequence[str] | None, actor: Actor) -> dict[str, Any]:
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
                created_by=actor.user_id,
            )
        )
    resp.review_status = "reviewed"
    session.flush()
    refresh_masks(session, [response_id])
    record(session, actor, "review", "response", response_id, labels=chosen)
    return {"id": response_id, "survey_id": resp.survey_id, "labels": chosen}


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
