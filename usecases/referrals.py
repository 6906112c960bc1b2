"""Referral contacts (kept by an administrator), the case report, and the feedback of closed cases into
evaluation data."""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import delete, func, select

from fuqing.errors import InputError, NotFound
from fuqing.models import Case, ReferralContact, Response
from nlp.risk import KIND_NAMES, RISK_KINDS
from survey.cases import Area
from usecases.case_views import NATIONAL_HOTLINES, STATUS_NAMES, acting_user, contact_row
from usecases.context import Ctx, use_case


@use_case("case:read")
def list_referrals(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        rows = [contact_row(c) for c in s.scalars(select(ReferralContact).order_by(ReferralContact.county))]
    return rows + NATIONAL_HOTLINES


@use_case("referral:manage")
def add_referral(
    ctx: Ctx, organisation: str, phone: str, county: str | None = None, handles: list[str] | None = None
) -> dict[str, Any]:
    organisation, phone = organisation.strip(), phone.strip()
    if not organisation or not phone:
        raise InputError("请填写机构名称和电话。", hint="例如：某某县妇联权益部，0564-1234567。")
    unknown = [h for h in handles or [] if h not in RISK_KINDS]
    if unknown:
        raise InputError(
            f"未知的风险类别 {unknown[0]!r}。", hint="可选：" + "、".join(KIND_NAMES.values()) + "。"
        )
    with ctx.db.session(write=True) as s:
        row = ReferralContact(
            organisation=organisation[:120],
            phone=phone[:40],
            county=(county or "").strip() or None,
            handles=list(handles or []),
        )
        s.add(row)
        s.flush()
        ctx.audit(s, "referral.add", "referral", row.id)
        return contact_row(row)


@use_case("referral:manage")
def remove_referral(ctx: Ctx, referral_id: int) -> None:
    with ctx.db.session(write=True) as s:
        if s.execute(delete(ReferralContact).where(ReferralContact.id == referral_id)).rowcount == 0:
            raise NotFound(f"没有编号为 {referral_id} 的转介机构。", hint="请刷新页面。")
        ctx.audit(s, "referral.remove", "referral", referral_id)


@use_case("case:read")
def case_report(ctx: Ctx) -> dict[str, Any]:
    """Counts of cases by kind, county and status (small cells withheld, totals protected), and the time to first
    contact; never notes, answer text or anything that names a woman."""
    from findings.disclosure import Disclosure

    rule = Disclosure(ctx.settings.small_cell_threshold, ctx.settings.rounding_base)
    with ctx.db.session() as s:
        area = Area.of(acting_user(s, ctx))
        out: dict[str, Any] = {"small_cell_threshold": rule.threshold, "rounding_base": rule.base}
        for field, names in (("kind", KIND_NAMES), ("county", None), ("status", STATUS_NAMES)):
            column = getattr(Case, field)
            counts = s.execute(area.where(select(column, func.count()).group_by(column))).all()
            keys = [k for k, _ in counts]
            published = rule.additive([n for _, n in counts])
            out["by_" + field] = [
                {"key": k, "name": (names or {}).get(k, k or "未填地区"), "count": v}
                for k, v in zip(keys, published, strict=True)
            ]
        total = s.scalar(area.where(select(func.count()).select_from(Case))) or 0
        out["total"] = rule.count(total)
        waits = s.execute(
            area.where(
                select(Case.created_at, Case.first_contact_at).where(Case.first_contact_at.is_not(None))
            )
        ).all()
    hours = [(b - a).total_seconds() / 3600 for a, b in waits]
    out["first_contact_hours_median"] = (
        round(statistics.median(hours), 1) if len(hours) >= rule.threshold else None
    )
    out["first_contact_n"] = rule.count(len(hours))
    return out


@use_case("case:read")
def announce_cases(ctx: Ctx) -> int:
    """Send the announcements of new cases that are due now (the service does this on its own every few seconds)."""
    from fuqing.errors import Unavailable
    from survey.alerts import send_due

    if not ctx.settings.alert_webhook:
        raise Unavailable(
            "没有设置群机器人的地址，无法发送个案通知。", hint="请管理员设置 FUQING_ALERT_WEBHOOK 后重试。"
        )
    return send_due(ctx.db, ctx.settings.alert_webhook)


@use_case("export:deidentified")
def case_feedback(ctx: Ctx) -> list[dict[str, Any]]:
    """Cases a person has judged, as risk-labelled answers (shared/spec/formats.md): a dismissal is an ordinary
    answer (a false alarm to learn from), a closed or referred case keeps its kinds. Redacted text only."""
    with ctx.db.session(write=True) as s:
        rows = s.execute(
            select(Case.id, Case.status, Case.kinds, Response.text_redacted)
            .join(Response, Response.id == Case.response_id)
            .where(Case.status.in_(("dismissed", "closed", "referred")))
            .order_by(Case.id)
        ).all()
        ctx.audit(s, "case.feedback_export", "case", None, rows=len(rows))
    return [
        {"id": f"case-{cid}", "text": text or "", "risk": [] if status == "dismissed" else list(kinds)}
        for cid, status, kinds, text in rows
    ]
