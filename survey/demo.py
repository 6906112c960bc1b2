"""A demo survey built from the bundled labelled answers, so that a newcomer sees every page working at once.

The survey and each of its responses are marked ``is_demo`` and titled 【演示数据】, so that demo numbers are never
taken for real ones. The answers are tagged by the same tagger as real uploads (not copied from the gold labels),
so the demo shows what the system does, including the answers it is unsure about (the review queue).
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.models import Response, Survey
from fuqing.timeutil import CST
from nlp.redact import redact
from nlp.tagger import Tagger
from survey.labels import tag_responses
from survey.surveys import create_survey
from survey.values import age_band, normalize_marital

DEMO_TITLE = "【演示数据】基层妇女群众需求调研（示例）"
DEMO_DESCRIPTION = "演示数据：由软件自带的标注样例生成，仅用于熟悉功能，不代表任何真实调查。"
NEEDS_KEY = "q_needs"


def demo_rows() -> list[dict[str, Any]]:
    """The bundled labelled answers (evals/data/needs_train.jsonl)."""
    text = resources.files("evals").joinpath("data", "needs_train.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def demo_survey(session: Session) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.is_demo.is_(True)).order_by(Survey.id).limit(1))


def _collected(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=CST) if value else None
    except ValueError:
        return None


def load_demo(session: Session, tagger: Tagger, actor: Actor, *, floor: float = 0.6) -> tuple[Survey, bool]:
    """Create the demo survey with its responses, tagged; returns (survey, created). Loading twice is a no-op."""
    existing = demo_survey(session)
    if existing is not None:
        return existing, False
    survey = create_survey(
        session,
        DEMO_TITLE,
        questions=[{"key": NEEDS_KEY, "text": "您目前最需要哪些帮助？", "type": "text"}],
        needs_question=NEEDS_KEY,
        description=DEMO_DESCRIPTION,
        actor=actor,
        is_demo=True,
    )
    objects = []
    for row in demo_rows():
        meta = row.get("meta", {})
        red = redact(row["text"])
        age = meta.get("age") if isinstance(meta.get("age"), int) else None
        objects.append(
            Response(
                survey_id=survey.id,
                source_id=f"demo:{row['id']}",
                county=meta.get("county"),
                township=meta.get("township"),
                village=meta.get("village"),
                age=age,
                age_band=age_band(age),
                marital_status=normalize_marital(meta.get("marital_status") or ""),
                channel=meta.get("channel"),
                fieldworker="演示调查员",
                collected_at=_collected(meta.get("collected_at")),
                answers={NEEDS_KEY: red.text},
                text_redacted=red.text,
                redactions=red.counts,
                is_demo=True,
                created_by=actor.user_id,
            )
        )
    session.add_all(objects)
    session.flush()
    ids = [o.id for o in objects]
    for start in range(0, len(ids), 500):
        tag_responses(session, ids[start : start + 500], tagger, floor=floor)
    record(session, actor, "demo.load", "survey", survey.id, responses=len(ids))
    return survey, True
