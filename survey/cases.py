"""Follow-up cases in the database: opened for every flagged response, moved through their steps, listed by area.

Why here and not in the tagging code: a disclosure must reach a person whatever the needs labels say, so cases are
opened beside the labels (never behind the kappa gate) and nothing about them is a share or a chart. Each step is a
row of case_notes; a note's text is sealed by the vault, like contact fields, because cadres write names in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from fuqing.errors import Conflict, InputError
from fuqing.models import Case, CaseNote, Response, User
from fuqing.timeutil import utcnow
from fuqing.vault import Vault
from nlp.risk import RISK_KINDS, RiskAssessment, RiskDetector

DUE = {"urgent": timedelta(days=1), "soon": timedelta(days=3)}
# The order in which a case's kinds are named: the one whose delay costs most first.
PRESSING = ("self_harm", "violence", "child_safety", "acute_hardship")
STATUSES = ("new", "contacted", "referred", "closed", "dismissed")
OPEN_STATUSES = ("new", "contacted", "referred")
NEXT: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "referred", "closed", "dismissed"),
    "contacted": ("contacted", "referred", "closed", "dismissed"),
    "referred": ("contacted", "closed"),
    "closed": ("contacted",),  # reopened when she needs help again
    "dismissed": ("contacted",),
}
assert set(PRESSING) == set(RISK_KINDS)


@dataclass(frozen=True)
class Area:
    """Where a cadre answers for; None: everywhere."""

    county: str | None = None
    village: str | None = None

    @classmethod
    def of(cls, user: User | None) -> Area:
        return cls(user.county, user.village) if user is not None else cls()

    def covers(self, county: str | None, village: str | None) -> bool:
        return (self.county is None or self.county == county) and (
            self.village is None or self.village == village
        )

    def where(self, stmt: Select[Any]) -> Select[Any]:
        if self.county is not None:
            stmt = stmt.where(Case.county == self.county)
        if self.village is not None:
            stmt = stmt.where(Case.village == self.village)
        return stmt


def open_cases(session: Session, response_ids: Sequence[int], detector: RiskDetector) -> list[int]:
    """Assess these stored responses and open a case for each flagged one that has none yet (demo answers are
    invented and never open one). Returns the new case ids."""
    ids = list(dict.fromkeys(response_ids))
    if not ids:
        return []
    rows = session.execute(
        select(
            Response.id,
            Response.text_redacted,
            Response.survey_id,
            Response.county,
            Response.township,
            Response.village,
        ).where(Response.id.in_(ids), Response.is_demo.is_(False))
    ).all()
    have = set(session.scalars(select(Case.response_id).where(Case.response_id.in_(ids))))
    rows = [r for r in rows if r.id not in have and (r.text_redacted or "").strip()]
    if not rows:
        return []
    found = detector.assess([r.text_redacted for r in rows])
    now = utcnow()
    new = [_case_row(r, a, detector.version, now) for r, a in zip(rows, found, strict=True) if a.flagged]
    if not new:
        return []
    case_ids = list(session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), new))
    session.execute(insert(CaseNote), [{"case_id": c, "action": "opened", "at": now} for c in case_ids])
    return case_ids


def _case_row(r: Any, a: RiskAssessment, version: str, now: datetime) -> dict[str, Any]:
    kinds = sorted(a.kinds, key=PRESSING.index)
    urgency = a.urgency or "soon"
    sources = {f.source for f in a.flags}
    return {
        "response_id": r.id,
        "survey_id": r.survey_id,
        "kind": kinds[0],
        "kinds": kinds,
        "urgency": urgency,
        "source": "rule+model" if len(sources) > 1 else sources.pop(),
        "detector_version": version[:40],
        "county": r.county,
        "township": r.township,
        "village": r.village,
        "status": "new",
        "due_at": now + DUE[urgency],
        "created_at": now,
    }


def add_note(
    session: Session, vault: Vault, case: Case, author_id: int | None, action: str, text: str | None
) -> None:
    sealed = vault.seal({"text": text}, f"case-note:{case.id}") if text else None
    session.add(
        CaseNote(
            case_id=case.id,
            author_id=author_id,
            action=action,
            key_id=vault.key_id if sealed else None,
            sealed=sealed,
        )
    )


def move(case: Case, status: str, *, reason: str | None = None) -> None:
    """Change a case's status if that step is allowed from where it is; stamps first contact and closing."""
    if status not in STATUSES:
        raise InputError(f"未知的个案状态 {status!r}。", hint="状态只能是：已联系、已转介、已结案或误报。")
    if status not in NEXT[case.status]:
        raise Conflict(
            f"个案现在的状态不能直接改为该状态（{case.status} → {status}）。", hint="请刷新页面后再操作。"
        )
    if status == "dismissed" and not (reason or "").strip():
        raise InputError("标为误报时请写明理由。", hint="例如：说的是电视剧里的情节。")
    now = utcnow()
    if status in ("contacted", "referred") and case.first_contact_at is None:
        case.first_contact_at = now
    case.closed_at = now if status in ("closed", "dismissed") else None
    case.dismiss_reason = (
        (reason or "").strip()[:200] or None if status == "dismissed" else case.dismiss_reason
    )
    case.status = status


def notes_of(session: Session, vault: Vault, case_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(CaseNote, User.display_name, User.name)
        .outerjoin(User, User.id == CaseNote.author_id)
        .where(CaseNote.case_id == case_id)
        .order_by(CaseNote.id)
    ).all()
    out = []
    for note, display, name in rows:
        text = vault.unseal(note.sealed, f"case-note:{case_id}")["text"] if note.sealed else None
        out.append({"at": note.at, "action": note.action, "author": display or name, "text": text})
    return out
