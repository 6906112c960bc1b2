"""Follow-up cases: what a cadre does with an answer that discloses violence, despair, an unsafe child or acute
hardship — see it, take it on, reach the woman, refer her, close the case or say why it was a false alarm.

Who sees what: staff and caseworkers see the cases of their own area (a user with no county: all areas); the
respondent's contact fields are shown to the case's assignee and to administrators only, and every view of them is
an audit entry. Case notes are sealed; reports count cases and never show notes or answer text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fuqing.errors import Forbidden, InputError, NotFound
from fuqing.models import Case, Response, User
from survey import cases, contacts
from survey.cases import OPEN_STATUSES, Area
from usecases.case_views import STATUS_NAMES, acting_user, case_row, referral_help
from usecases.context import Ctx, use_case

ACTION_NAMES = {
    **STATUS_NAMES,
    "opened": "系统发现风险并建立个案",
    "assigned": "指派跟进人",
    "note": "记录",
    "contact_viewed": "查看联系方式",
}


def _case_in_area(session: Any, ctx: Ctx, case_id: int) -> tuple[Case, User | None]:
    """The case, if it exists and lies in the actor's area (otherwise it is not found, not forbidden: a cadre of
    another county does not learn that it exists)."""
    case = session.get(Case, case_id)
    me = acting_user(session, ctx)
    if case is None or not Area.of(me).covers(case.county, case.village):
        raise NotFound(f"没有编号为 {case_id} 的个案。", hint="请从个案列表中打开。")
    return case, me


def _may_work(ctx: Ctx, case: Case) -> bool:
    return ctx.actor.role == "admin" or (
        case.assignee_id is not None and case.assignee_id == ctx.actor.user_id
    )


@use_case("case:read")
def list_cases(ctx: Ctx, status: str = "open", limit: int = 200) -> list[dict[str, Any]]:
    """Cases of the actor's area, most pressing first: urgent before soon, then the earliest due."""
    with ctx.db.session() as s:
        stmt = select(Case, User.display_name, User.name).outerjoin(User, User.id == Case.assignee_id)
        stmt = Area.of(acting_user(s, ctx)).where(stmt)
        if status == "open":
            stmt = stmt.where(Case.status.in_(OPEN_STATUSES))
        elif status != "all":
            stmt = stmt.where(Case.status == status)
        stmt = stmt.order_by(Case.urgency.desc(), Case.due_at, Case.id).limit(max(1, min(limit, 1000)))
        return [case_row(c, display or name) for c, display, name in s.execute(stmt)]


@use_case("case:read")
def show_case(ctx: Ctx, case_id: int) -> dict[str, Any]:
    """One case with the (redacted) answer, its steps, who may take it, and referral help."""
    with ctx.db.session() as s:
        case, me = _case_in_area(s, ctx, case_id)
        assignee = s.get(User, case.assignee_id) if case.assignee_id else None
        row = case_row(case, (assignee.display_name or assignee.name) if assignee else None)
        response = s.get(Response, case.response_id)
        row["answer"] = response.text_redacted if response else None
        row["notes"] = [
            {**n, "action_name": ACTION_NAMES.get(n["action"], n["action"])}
            for n in cases.notes_of(s, ctx.services.vault, case.id)
        ]
        row["assignable"] = _assignable(s, case)
        row["may_work"] = _may_work(ctx, case)
        row["next"] = [{"status": t, "name": STATUS_NAMES[t]} for t in cases.NEXT[case.status]]
    row["referral"] = referral_help(ctx, case)
    return row


def _assignable(session: Any, case: Case) -> list[dict[str, Any]]:
    users = session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(("staff", "caseworker", "admin")))
        .order_by(User.id)
    )
    return [
        {"id": u.id, "name": u.display_name or u.name}
        for u in users
        if Area(u.county, u.village).covers(case.county, case.village)
    ]


@use_case("case:work")
def assign_case(ctx: Ctx, case_id: int, user_id: int) -> dict[str, Any]:
    """Give the case to a cadre of its area (oneself included)."""
    with ctx.db.session(write=True) as s:
        case, _ = _case_in_area(s, ctx, case_id)
        if user_id not in {u["id"] for u in _assignable(s, case)}:
            raise InputError("只能指派给负责该地区的工作人员或跟进人员。", hint="请从下拉列表中选择。")
        case.assignee_id = user_id
        cases.add_note(s, ctx.services.vault, case, ctx.actor.user_id, "assigned", None)
        ctx.audit(s, "case.assign", "case", case_id, assignee=user_id)
    return {"id": case_id, "assignee_id": user_id}


@use_case("case:work")
def update_case(
    ctx: Ctx, case_id: int, status: str | None = None, note: str | None = None, reason: str | None = None
) -> dict[str, Any]:
    """A step by the assignee (or an administrator): a new status, a note, or both."""
    note = (note or "").strip()[:2000] or None
    if status is None and note is None:
        raise InputError("请选择新的状态或填写记录。", hint="例如：已电话联系，约好周三上门。")
    with ctx.db.session(write=True) as s:
        case, _ = _case_in_area(s, ctx, case_id)
        if not _may_work(ctx, case):
            raise Forbidden("只有该个案的跟进人或管理员可以更新个案。", hint="请先把个案指派给自己。")
        if status is not None:
            cases.move(case, status, reason=reason)
        cases.add_note(s, ctx.services.vault, case, ctx.actor.user_id, status or "note", note)
        ctx.audit(s, "case.update", "case", case_id, status=status, note=note is not None)
        return {"id": case_id, "status": case.status}


@use_case("case:read")
def read_case_contact(ctx: Ctx, case_id: int) -> dict[str, Any]:
    """The respondent's contact fields, for the case's assignee and administrators only; each view audited."""
    with ctx.db.session(write=True) as s:
        case, _ = _case_in_area(s, ctx, case_id)
        if not _may_work(ctx, case):
            raise Forbidden("只有该个案的跟进人或管理员可以查看联系方式。", hint="请先把个案指派给自己。")
        found = contacts.read_contact(s, ctx.services.vault, case.response_id)
        cases.add_note(s, ctx.services.vault, case, ctx.actor.user_id, "contact_viewed", None)
        ctx.audit(s, "case.contact_read", "case", case_id, response=case.response_id, found=found is not None)
    return found or {"response_id": case.response_id, "fields": [], "text_raw": None}
