"""Data revisions: a counter bumped once per writing transaction that adds responses or changes their labels.

Each such response carries the revision in ``responses.rev``. A reader that remembers the revision it last saw
reloads only ``rev > seen`` instead of scanning every response. On PostgreSQL the counter row is locked by the
UPDATE until commit, so revisions become visible in the order they were handed out and none is skipped.
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from fuqing.models import DataVersion

_KEY = "fuqing_rev"


def next_rev(session: Session) -> int:
    """The revision of the current transaction (bumped on first use, then reused until commit)."""
    rev = session.info.get(_KEY)
    if rev is None:
        rev = session.execute(
            update(DataVersion)
            .where(DataVersion.id == 1)
            .values(rev=DataVersion.rev + 1)
            .returning(DataVersion.rev)
        ).scalar_one()
        session.info[_KEY] = rev
    return int(rev)


def current_rev(session: Session) -> int:
    return int(session.scalar(select(DataVersion.rev).where(DataVersion.id == 1)) or 0)


def current_state(session: Session) -> tuple[int, int]:
    """(revision, erasures): a reader that cached responses reloads from scratch when the second changed."""
    row = session.execute(select(DataVersion.rev, DataVersion.erased).where(DataVersion.id == 1)).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def mark_erased(session: Session) -> None:
    """Called in the transaction that deletes responses: caches of them must start over."""
    next_rev(session)
    session.execute(update(DataVersion).where(DataVersion.id == 1).values(erased=DataVersion.erased + 1))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
