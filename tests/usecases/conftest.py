"""Use-case contexts on the test database: an actor of each role and the process's services."""

from __future__ import annotations

import pytest

from fuqing.actors import Actor
from fuqing.auth import Role
from usecases import Ctx, Lazy, Services


@pytest.fixture()
def services(db, db_settings, tagger, corpus):  # type: ignore[no-untyped-def]
    """Services as the command line builds them, on the test database, model and corpus."""
    return Services(
        db_settings, Lazy(lambda: db, db), Lazy(lambda: tagger, tagger), Lazy(lambda: corpus, corpus)
    )


def ctx_of(services: Services, role: str, name: str | None = None, user_id: int | None = None) -> Ctx:
    return Ctx(services, Actor(name or role, Role(role), user_id, "api"))
