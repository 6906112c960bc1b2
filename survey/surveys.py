"""Creating and listing surveys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.errors import InputError, NotFound
from fuqing.models import Response, Survey

QUESTION_TYPES = {"single", "multiple", "text", "number", "region", "date", "matrix", "ranking"}


def create_survey(
    session: Session,
    title: str,
    *,
    questions: list[dict[str, Any]] | None = None,
    needs_question: str | None = None,
    description: str | None = None,
    actor: Actor,
    is_demo: bool = False,
) -> Survey:
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InputError("调查标题不能为空，且不超过 200 字。", hint="例如：2025年金寨县妇女需求调研")
    qs = []
    for i, q in enumerate(questions or [], start=1):
        if not isinstance(q, dict) or not str(q.get("text", "")).strip():
            raise InputError(
                f"第 {i} 个题目缺少题干（text）。", hint='格式：{"key": "q1", "text": "题干", "type": "text"}'
            )
        qtype = q.get("type", "text")
        if qtype not in QUESTION_TYPES:
            raise InputError(
                f"第 {i} 个题目的类型 {qtype!r} 不认识。",
                hint="可用类型：" + "、".join(sorted(QUESTION_TYPES)),
            )
        qs.append(
            {
                "key": str(q.get("key") or f"q{i}"),
                "text": str(q["text"]).strip(),
                "type": qtype,
                "options": list(q.get("options", [])),
            }
        )
    if needs_question and qs and needs_question not in {q["key"] for q in qs}:
        raise InputError(
            f"needs_question {needs_question!r} 不是任何题目的 key。",
            hint="请填写开放需求题的 key，例如 q9。",
        )
    survey = Survey(
        title=title,
        description=description,
        questions=qs,
        needs_question=needs_question,
        created_by=actor.user_id,
        is_demo=is_demo,
    )
    session.add(survey)
    session.flush()
    record(session, actor, "survey.create", "survey", survey.id)
    return survey


def get_survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound(f"没有编号为 {survey_id} 的调查。", hint="用 `fuqing survey list` 查看已有调查。")
    return survey


def list_surveys(session: Session) -> list[dict[str, Any]]:
    counts = dict(
        session.execute(select(Response.survey_id, func.count()).group_by(Response.survey_id)).all()
    )
    return [
        {
            "id": s.id,
            "title": s.title,
            "responses": int(counts.get(s.id, 0)),
            "is_demo": s.is_demo,
            "created_at": s.created_at,
        }
        for s in session.scalars(select(Survey).order_by(Survey.id))
    ]


def merge_questions(survey: Survey, questions: list[dict[str, Any]], needs_key: str | None) -> None:
    """An import into an existing survey adds the questions it has not seen; nothing is dropped. A question an
    upload classifies as identifying stays so for the survey (the stricter class wins), so that single submissions
    to the survey seal it too."""
    incoming = {q["key"]: q for q in questions}
    merged = [
        {**q, "privacy": "identifying"} if incoming.get(q["key"], {}).get("privacy") == "identifying" else q
        for q in survey.questions or []
    ]
    known = {q["key"] for q in merged}
    merged += [q for q in questions if q["key"] not in known]
    if merged != (survey.questions or []):
        survey.questions = merged
    if needs_key and not survey.needs_question:
        survey.needs_question = needs_key
