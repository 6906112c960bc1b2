"""Reading the audit log: who did what, when, to which object."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fuqing.models import AuditLog
from usecases.context import Ctx, use_case


@use_case("audit:read")
def read_audit_log(ctx: Ctx, limit: int = 100) -> list[dict[str, Any]]:
    """The newest entries first."""
    with ctx.db.session() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(max(1, min(limit, 1000))))
        return [
            {
                "at": r.at,
                "actor": r.actor,
                "action": r.action,
                "object_type": r.object_type,
                "object_id": r.object_id,
                "detail": r.detail,
            }
            for r in rows
        ]
