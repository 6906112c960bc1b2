"""Bulk inserts through the database driver's own executemany.

Why: importing 100,000 survey rows spent more time in SQLAlchemy building and processing parameter dicts
(``construct_params`` and the per-row bind processing) than SQLite spent storing them. Here the INSERT is
compiled once and each row becomes a plain tuple, converted by the same bind processors SQLAlchemy would use
(JSON, DateTime, Boolean), so what is stored is identical; Python-side column defaults are applied the same way.
PostgreSQL keeps SQLAlchemy's executemany, which already batches rows into multi-row VALUES.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all rows carry the same keys) in the session's transaction."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    keys = list(rows[0])
    defaults = {
        c.key: c.default
        for c in table.columns
        if c.key not in keys and c.default is not None and not c.primary_key
    }
    compiled = insert(table).compile(dialect=dialect, column_keys=keys + list(defaults))
    order = list(compiled.positiontup or [])
    getters = []
    for name in order:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        getters.append((name, process, defaults.get(name)))
    fixed: dict[str, Any] = {}
    for name, default in defaults.items():
        # Scalar defaults are constants; callables (e.g. utcnow) are evaluated once for the whole batch,
        # as every row of one insert is written at the same moment.
        fixed[name] = default.arg(None) if default.is_callable else default.arg
    params = []
    for row in rows:
        values = []
        for name, process, default in getters:
            v = row[name] if default is None else fixed[name]
            values.append(process(v) if process is not None else v)
        params.append(tuple(values))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(str(compiled), params)
    finally:
        cursor.close()
