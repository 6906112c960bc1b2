"""Bulk inserts through the database driver's own executemany.

Why: importing 100,000 survey rows spent more time in SQLAlchemy building and processing parameter dicts
(``construct_params`` and the per-row bind processing) than SQLite spent storing them. Here the INSERT is
compiled once and each row becomes a plain tuple, converted by the same bind processors SQLAlchemy would use
(JSON, DateTime, Boolean), so what is stored is identical; Python-side column defaults are applied the same way.
PostgreSQL keeps SQLAlchemy's executemany, which already batches rows into multi-row VALUES.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

_SQLITE_IN_CHUNK = 900  # under the 999-parameter limit of older SQLite builds


def _batch_defaults(table: Table, keys: list[str], given: dict[str, Any]) -> dict[str, Any]:
    """Column defaults of the columns not given. Scalar defaults are constants; callables (e.g. utcnow) are
    evaluated once for the whole batch, as every row of one insert is written at the same moment."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.key in keys or column.key in given or column.default is None or column.primary_key:
            continue
        default = column.default
        out[column.key] = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
    return out


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    constants: dict[str, Any] | None = None,
) -> list[int]:
    """INSERT every row (all rows carry the same keys), plus ``constants`` shared by all, in the session's
    transaction; returns the new primary keys in row order."""
    if not rows:
        return []
    constants = dict(constants or {})
    conn = session.connection()
    dialect = conn.dialect
    pk = table.primary_key.columns[0]
    if pk.key in rows[0]:  # keys given by the caller (a row keyed by its response): nothing to read back
        conn.execute(insert(table), [{**row, **constants} for row in rows])
        return [row[pk.key] for row in rows]
    if dialect.name != "sqlite":
        stmt = insert(table).returning(pk, sort_by_parameter_order=True)
        return list(conn.execute(stmt, [{**row, **constants} for row in rows]).scalars())
    keys = [k for k in rows[0] if k not in constants]
    constants |= _batch_defaults(table, keys, constants)

    def processor(name: str) -> Any:
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    tail = [fn(v) if (fn := processor(k)) is not None else v for k, v in constants.items()]
    converters = [(i, fn) for i, k in enumerate(keys) if (fn := processor(k)) is not None]
    get = itemgetter(*keys)
    params: list[Any] = []
    for row in rows:
        values = list(get(row)) if len(keys) > 1 else [get(row)]
        for i, fn in converters:
            values[i] = fn(values[i])
        values.extend(tail)
        params.append(values)
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(table.c[k].name) for k in [*keys, *constants])
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({', '.join('?' * (len(keys) + len(constants)))})"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        # SQLite gives a new row the largest rowid plus one, and this transaction is the only writer, so
        # the new keys are the run that ends at last_insert_rowid(): no read-back of 2,000 rows by key.
        before = cursor.execute(f"SELECT max({quote(pk.name)}) FROM {quote(table.name)}").fetchone()[0] or 0
        cursor.executemany(sql, params)
        last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
    except dialect.loaded_dbapi.IntegrityError as exc:  # as SQLAlchemy would raise it, for callers that retry
        raise IntegrityError(sql, None, exc) from exc
    finally:
        cursor.close()
    if last - before != len(params):
        raise RuntimeError(
            f"{table.name}: new keys are not consecutive ({before}..{last} for {len(params)} rows)"
        )
    return list(range(before + 1, last + 1))


def existing_response_ids(session: Session, survey_id: int, source_ids: Sequence[str]) -> dict[str, int]:
    """The stored response id of each of these source ids the survey already holds: the duplicate check of
    every import batch and of grouped form submissions.

    Plain driver SQL, because SQLAlchemy's expanding ``IN`` spent more time rendering 2,000 parameters
    than the database spent answering; the (survey_id, source_id) unique index answers it either way.
    """
    if not source_ids:
        return {}
    conn = session.connection()
    found: dict[str, int] = {}
    if conn.dialect.name != "sqlite":
        sql = "SELECT source_id, id FROM responses WHERE survey_id = %s AND source_id = ANY(%s)"
        found.update((k, v) for k, v in conn.exec_driver_sql(sql, (survey_id, list(source_ids))))
        return found
    for start in range(0, len(source_ids), _SQLITE_IN_CHUNK):
        chunk = tuple(source_ids[start : start + _SQLITE_IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT source_id, id FROM responses WHERE survey_id = ? AND source_id IN ({marks})"
        found.update((k, v) for k, v in conn.exec_driver_sql(sql, (survey_id, *chunk)))
    return found
