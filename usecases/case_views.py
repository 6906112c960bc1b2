"""How a case is shown, and the help beside it: the clauses that apply to its kind and whom to refer her to."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from fuqing.errors import FuqingError
from fuqing.models import Case, ReferralContact, User
from fuqing.timeutil import utcnow
from nlp.risk import KIND_NAMES, URGENCY_NAMES

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from usecases.context import Ctx

STATUS_NAMES = {
    "new": "待处理",
    "contacted": "已联系",
    "referred": "已转介",
    "closed": "已结案",
    "dismissed": "误报",
}

# Per kind: what to search the policy corpus for, and in which documents (the laws a cadre acts on).
REFERRAL_QUERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "violence": (
        "人身安全保护令 告诫书 家庭暴力 报警 庇护",
        ("anti-domestic-violence-law-2015", "women-rights-law-2022", "elderly-rights-law-2018"),
    ),
    "self_harm": (
        "心理健康服务 心理咨询 关爱帮扶 困难妇女 联系",
        ("anhui-ponan-2022", "women-rights-law-2022"),
    ),
    "child_safety": (
        "强制报告 发现未成年人受到侵害 立即向公安机关 民政部门 报告 监护",
        ("minors-protection-law-2024", "anti-domestic-violence-law-2015"),
    ),
    "acute_hardship": (
        "临时救助 急难 生活无着 基本生活 医疗救助",
        ("social-assistance-measures-2019",),
    ),
}
NATIONAL_HOTLINES = [
    {
        "organisation": "全国妇联妇女维权公益服务热线",
        "phone": "12338",
        "handles": [],
        "county": None,
        "id": None,
    },
    {"organisation": "紧急情况报警", "phone": "110", "handles": [], "county": None, "id": None},
]


def acting_user(session: Any, ctx: Ctx) -> User | None:
    """The acting user's row (their area); None at the server's command line, which acts for every area."""
    return session.get(User, ctx.actor.user_id) if ctx.actor.user_id is not None else None


def case_row(case: Case, assignee: str | None) -> dict[str, Any]:
    """A case as lists and pages show it (never the answer text or a name of the respondent)."""
    now = utcnow()
    due = case.due_at if case.due_at.tzinfo else case.due_at.replace(tzinfo=now.tzinfo)
    return {
        "id": case.id,
        "response_id": case.response_id,
        "survey_id": case.survey_id,
        "kind": case.kind,
        "kind_name": KIND_NAMES.get(case.kind, case.kind),
        "kinds": list(case.kinds),
        "kind_names": [KIND_NAMES.get(k, k) for k in case.kinds],
        "urgency": case.urgency,
        "urgency_name": URGENCY_NAMES.get(case.urgency, case.urgency),
        "county": case.county,
        "township": case.township,
        "village": case.village,
        "status": case.status,
        "status_name": STATUS_NAMES.get(case.status, case.status),
        "assignee_id": case.assignee_id,
        "assignee": assignee,
        "due_at": case.due_at,
        "overdue": case.status in ("new", "contacted", "referred") and due < now,
        "created_at": case.created_at,
        "first_contact_at": case.first_contact_at,
        "closed_at": case.closed_at,
        "dismiss_reason": case.dismiss_reason,
        "source": case.source,
    }


def referral_clauses(ctx: Ctx, kinds: list[str], per_kind: int = 3) -> list[dict[str, Any]]:
    """The clauses of the laws that apply to these kinds, from the policy corpus (nothing of the answer is sent:
    the query is fixed per kind)."""
    try:
        corpus = ctx.services.corpus.get()
    except FuqingError:  # the case page still shows the contacts; the clauses say the library is unavailable
        log.warning("policy corpus unavailable for referral clauses", exc_info=True)
        return []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for kind in kinds:
        query, docs = REFERRAL_QUERIES[kind]
        present = [d for d in docs if corpus.store.exists(d)]
        if not present:
            continue
        for hit in corpus.search(query, k=per_kind, doc=present):
            if hit.clause_id not in seen:
                seen.add(hit.clause_id)
                out.append({**hit.to_dict(), "for_kind": KIND_NAMES[kind]})
    return out


def contact_row(c: ReferralContact) -> dict[str, Any]:
    return {
        "id": c.id,
        "county": c.county,
        "organisation": c.organisation,
        "phone": c.phone,
        "handles": c.handles,
    }


def contacts_for(ctx: Ctx, case: Case) -> list[dict[str, Any]]:
    """The county's contacts that handle one of the case's kinds, then the province's, then the national lines."""
    with ctx.db.session() as s:
        rows = s.scalars(
            select(ReferralContact)
            .where(or_(ReferralContact.county == case.county, ReferralContact.county.is_(None)))
            .order_by(ReferralContact.county.is_(None), ReferralContact.id)
        )
        own = [contact_row(c) for c in rows if not c.handles or set(c.handles) & set(case.kinds)]
    return own + NATIONAL_HOTLINES


def referral_help(ctx: Ctx, case: Case) -> dict[str, Any]:
    return {"clauses": referral_clauses(ctx, list(case.kinds)), "contacts": contacts_for(ctx, case)}
