"""Single responses: submitted one at a time from a form, and read back in the form a role may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.audit import record_many
from fuqing.bulk import existing_response_ids, insert_rows
from fuqing.errors import InputError, NotFound
from fuqing.models import Response, Survey
from fuqing.revisions import next_rev
from fuqing.textclean import clean_value
from fuqing.vault import Vault
from nlp.redact import redact, redact_value
from survey.contacts import store_contacts
from survey.surveys import get_survey
from survey.tables import MAX_CELL_CHARS
from survey.values import ValueProblem, age_band, normalize_marital, parse_age

FIELDS = ("county", "township", "village", "marital_status", "channel", "fieldworker")
# What a form or the API may give to reach her again: sealed, never stored with the answer.
CONTACT_FIELDS = {"name": "姓名", "phone": "电话", "address": "住址", "other": "其他联系方式"}


@dataclass
class PreparedResponse:
    """A validated submission, ready to store: the row to insert and who submitted it."""

    survey_id: int
    row: dict[str, Any]
    actor: Actor
    # identifying fields given with the answer (name, phone, address…) and originals that redaction changed,
    # sealed apart from the row (survey/contacts.py)
    contact: dict[str, Any] | None = None


@dataclass
class StoredResponse:
    id: int
    survey_id: int
    source_id: str
    created: bool
    redactions: dict[str, int]


def prepare_response(survey_id: int, data: dict[str, Any], actor: Actor) -> PreparedResponse:
    """Validate one submission and build its row (redacted text, age band, source id); no database access."""
    data = clean_value(data, "提交的内容")  # type: ignore[assignment]  # control characters, lone surrogates
    text, answers, contact_in = _checked_parts(data)
    try:
        age = parse_age(str(data["age"])) if data.get("age") not in (None, "") else None
    except ValueProblem as exc:
        raise InputError(f"字段 age：{exc}。", hint="年龄请填数字。") from exc
    collected_at = data.get("collected_at")
    if collected_at is not None and not isinstance(collected_at, datetime):
        raise InputError("collected_at 应为日期时间。", hint="例如 2025-06-14T10:00:00+08:00")
    red = redact(text) if text else None
    values = {
        f: (str(data[f]).strip()[:80] or None) if data.get(f) not in (None, "") else None for f in FIELDS
    }
    if values["fieldworker"] is None and actor.is_fieldworker:
        values["fieldworker"] = actor.name[:80]
    shown = redact_value(answers)
    row = {
        **values,
        "marital_status": normalize_marital(values["marital_status"] or ""),
        "source_id": _submission_key(data, actor),
        "age": age,
        "age_band": age_band(age),
        "collected_at": collected_at,
        "answers": shown,
        "text_redacted": red.text if red else None,
        "redactions": red.counts if red else {},
        "created_by": actor.user_id,
        "flag_all_skipped": not text and not answers,
    }
    contact = {
        "fields": {**contact_in, **({"answers": answers} if shown != answers else {})},
        "text_raw": text if red is not None and red.text != text else None,
    }
    return PreparedResponse(
        survey_id, row, actor, contact if contact["fields"] or contact["text_raw"] else None
    )


def _checked_parts(data: dict[str, Any]) -> tuple[str | None, dict[str, Any], dict[str, str]]:
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError("text 应为字符串。", hint="把开放题的回答放在 text 字段中。")
    if text and len(text) > MAX_CELL_CHARS:
        raise InputError(f"text 过长（{len(text)} 字，上限 {MAX_CELL_CHARS} 字）。", hint="请精简后再提交。")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise InputError("answers 应为“题号: 回答”的对象。", hint='例如 {"q1": "金寨县"}')
    contact = data.get("contact") or {}
    if not isinstance(contact, dict) or any(k not in CONTACT_FIELDS for k in contact):
        raise InputError(
            "contact 应为联系信息对象。",
            hint="可用的键：" + "、".join(f"{k}（{v}）" for k, v in CONTACT_FIELDS.items()),
        )
    cleaned = {k: str(v).strip()[:200] for k, v in contact.items() if v not in (None, "")}
    return text, answers, cleaned


def _submission_key(data: dict[str, Any], actor: Actor) -> str:
    """The key that makes a retry safe without ever merging two women: an external ``source_id`` as given; else
    the client's ``submission_id`` (generated once per filled form, sent again on a retry), scoped by the
    submitting account; else a fresh random key, so that two identical answers are two responses."""
    if data.get("source_id"):
        return str(data["source_id"])[:120]
    if data.get("submission_id"):
        who = actor.user_id if actor.user_id is not None else actor.name
        return f"sub:{who}:{str(data['submission_id'])[:80]}"
    return "new:" + uuid.uuid4().hex


def store_responses(
    session: Session, items: list[PreparedResponse], vault: Vault
) -> list[StoredResponse | NotFound]:
    """Store many submissions in one transaction (one revision, one executemany, one audit insert).

    Why: a busy form endpoint spent most of each request in per-row ORM work; grouping the submissions that
    arrive together costs one round of statements for all of them. A ``source_id`` already stored for the
    survey (or repeated within the batch) returns the stored response with ``created=False``; a submission
    to a survey that does not exist gets its own :class:`NotFound`, without failing the others. Identifying
    answers (questions the survey classifies so) and contact fields are sealed apart.
    """
    surveys = _identifying_keys(session, {i.survey_id for i in items})
    known: dict[tuple[int, str], int] = {}
    for sid in surveys:
        keys = [i.row["source_id"] for i in items if i.survey_id == sid]
        known.update(((sid, k), v) for k, v in existing_response_ids(session, sid, keys).items())
    fresh: list[PreparedResponse] = []
    fresh_items: set[int] = set()
    claimed: set[tuple[int, str]] = set()
    for item in items:
        key = (item.survey_id, item.row["source_id"])
        if item.survey_id in surveys and key not in known and key not in claimed:
            claimed.add(key)
            fresh_items.add(id(item))
            fresh.append(_split_identifying(item, surveys[item.survey_id]))
    new_ids = _insert(session, fresh, vault)
    out: list[StoredResponse | NotFound] = []
    for item in items:
        if item.survey_id not in surveys:
            out.append(
                NotFound(f"没有编号为 {item.survey_id} 的调查。", hint="请在调查列表中选择已有的调查。")
            )
            continue
        key = (item.survey_id, item.row["source_id"])
        created = id(item) in fresh_items
        rid = new_ids[key] if key in new_ids else known[key]
        out.append(StoredResponse(rid, item.survey_id, key[1], created, item.row["redactions"]))
    return out


def _identifying_keys(session: Session, survey_ids: set[int]) -> dict[int, frozenset[str]]:
    """The surveys that exist among ``survey_ids``, each with its identifying question keys."""
    rows = session.execute(select(Survey.id, Survey.questions).where(Survey.id.in_(survey_ids)))
    return {
        sid: frozenset(q["key"] for q in questions or [] if q.get("privacy") == "identifying")
        for sid, questions in rows
    }


def _split_identifying(item: PreparedResponse, keys: frozenset[str]) -> PreparedResponse:
    answers = item.row["answers"]
    moved = {k: answers[k] for k in keys if k in answers}
    if not moved:
        return item
    row = {**item.row, "answers": {k: v for k, v in answers.items() if k not in moved}}
    contact = item.contact or {"fields": {}, "text_raw": None}
    contact = {**contact, "fields": {**contact["fields"], **moved}}
    return PreparedResponse(item.survey_id, row, item.actor, contact)


def _insert(session: Session, fresh: list[PreparedResponse], vault: Vault) -> dict[tuple[int, str], int]:
    if not fresh:
        return {}
    rows = [{**i.row, "survey_id": i.survey_id} for i in fresh]
    ids = insert_rows(session, Response.__table__, rows, {"rev": next_rev(session)})
    for i, rid in zip(fresh, ids, strict=True):
        if i.contact:
            store_contacts(session, vault, i.survey_id, [(rid, i.contact)])
    record_many(
        session,
        [
            (i.actor, "response.create", "response", rid, {"survey_id": i.survey_id})
            for i, rid in zip(fresh, ids, strict=True)
        ],
    )
    return {(i.survey_id, i.row["source_id"]): rid for i, rid in zip(fresh, ids, strict=True)}


def submit_response(
    session: Session, survey_id: int, data: dict[str, Any], actor: Actor, vault: Vault
) -> tuple[Response, bool]:
    """Store one response; with a ``source_id`` already stored for the survey, return that one (created=False)."""
    result = store_responses(session, [prepare_response(survey_id, data, actor)], vault)[0]
    if isinstance(result, NotFound):
        raise result
    resp = session.get(Response, result.id)
    assert resp is not None
    return resp, result.created


def response_view(resp: Response) -> dict[str, Any]:
    """What staff see of a response: the redacted text and answers, the age band (an exact age can identify a woman
    with the village), never the identifying fields (they are sealed apart: survey/contacts.py)."""
    return {
        "id": resp.id,
        "survey_id": resp.survey_id,
        "source_id": resp.source_id,
        "county": resp.county,
        "township": resp.township,
        "village": resp.village,
        "age_band": resp.age_band,
        "marital_status": resp.marital_status,
        "channel": resp.channel,
        "fieldworker": resp.fieldworker,
        "collected_at": resp.collected_at,
        "text": resp.text_redacted,
        "answers": redact_value(resp.answers),
        "redactions": resp.redactions,
        "flags": [
            f
            for f in ("too_fast", "straight_lining", "repeated_ip", "all_skipped")
            if getattr(resp, f"flag_{f}")
        ],
    }


def list_responses(
    session: Session, survey_id: int | None, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    if not 1 <= limit <= 500:
        raise InputError(f"limit 应在 1 到 500 之间，收到 {limit}。", hint="分页读取：limit + offset。")
    q = select(Response).order_by(Response.id)
    count_q = select(func.count()).select_from(Response)
    if survey_id is not None:
        get_survey(session, survey_id)
        q = q.where(Response.survey_id == survey_id)
        count_q = count_q.where(Response.survey_id == survey_id)
    rows = session.scalars(q.limit(limit).offset(offset)).all()
    return {"total": session.scalar(count_q), "items": [response_view(r) for r in rows]}
