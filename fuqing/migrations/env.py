"""Alembic environment: run against the connection fuqing passes in (never a URL from an ini file)."""

from __future__ import annotations

from alembic import context

from fuqing.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used by `alembic revision --autogenerate` during development
    from fuqing.config import Settings
    from fuqing.db import make_engine

    connection = make_engine(Settings().sqlalchemy_url).connect()

context.configure(
    connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
)
with context.begin_transaction():
    context.run_migrations()
