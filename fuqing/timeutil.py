"""Time helpers: stored times are timezone-aware UTC; survey times without a zone are China Standard Time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_aware(dt: datetime, default_tz: timezone = CST) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=default_tz)
