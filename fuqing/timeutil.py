"""Time helpers: stored times are timezone-aware UTC; survey times without a zone are China Standard Time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(dt: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives back naive datetimes)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def as_aware(dt: datetime, default_tz: timezone = CST) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=default_tz)
