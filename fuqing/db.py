"""Database access: one engine per process, SQLite (WAL) under FUQING_HOME by default, PostgreSQL in production.

The schema is owned by Alembic migrations (fuqing/migrations); ``open_database`` brings any database to the
current revision before it is used.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fuqing.config import Settings
from fuqing.errors import Unavailable


def normalize_url(url: str) -> str:
    """postgres:// and postgresql:// mean the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Checkpoint every 16 MB of WAL instead of 4 MB: a 100,000-row import spent 1.3 s in the fsyncs of
    # frequent checkpoints; readers are not measurably slower with the longer log.
    cur.execute("PRAGMA wal_autocheckpoint=4000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _not_serializable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


try:
    from json.encoder import c_make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - CPython always has the C encoder
    _c_make_encoder = None
# json.dumps's own C encoder with json.dumps's defaults (ASCII, ", " and ": "), made once. Without the circular
# check: stored values are parsed cells and counts, never cyclic.
_JSON_ENCODER = (
    _c_make_encoder(
        None, _not_serializable, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )
    if _c_make_encoder is not None
    else None
)


def json_dumps(value: Any) -> str:
    """``json.dumps(value)``, the same text, for every JSON column SQLite stores. json.dumps builds a new encoder
    in three Python calls each time; an import stores two JSON values per row, and that was half a second of a
    100,000-row import."""
    if _JSON_ENCODER is None:  # pragma: no cover
        return json.dumps(value)
    return "".join(_JSON_ENCODER(value, 0))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """``hide_parameters``: a failed statement's error (and any log line made of it) never prints the values it
    carried — they may be a woman's answer."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            json_serializer=json_dumps,
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True, **kwargs
    )


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    write_lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on any error.

        SQLite has one writer at a time; when threads of one process contend, its busy handler sleeps with
        back-off and latency explodes. Writers in this process therefore queue on a lock instead.
        """
        lock = self.write_lock if write and self.dialect == "sqlite" else nullcontext()
        with lock:
            s = self.sessions()
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise
            finally:
                s.close()

    def dispose(self) -> None:
        self.engine.dispose()


def migrate(engine: Engine, settings: Settings | None = None) -> None:
    """Bring the database to the current revision.

    On SQLite, foreign keys are off while migrating: a migration that rebuilds a table (SQLite cannot drop a
    column in place) drops the old table, and with foreign keys on that DROP would cascade into every child row
    (labels, contact records) — the data lost without a word.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    sqlite = engine.dialect.name == "sqlite"
    with resources.as_file(resources.files("fuqing").joinpath("migrations")) as script_dir:
        cfg.set_main_option("script_location", str(script_dir))
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
                conn.commit()
            with conn.begin():
                cfg.attributes["connection"] = conn
                cfg.attributes["settings"] = (
                    settings  # data migrations that seal stored values need the data key
                )
                command.upgrade(cfg, "head")
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def open_database(settings: Settings, *, run_migrations: bool = True) -> Database:
    settings.ensure_home()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        if run_migrations:
            migrate(engine, settings)
    except OperationalError as exc:
        raise Unavailable(
            f"无法连接数据库：{exc.orig}",
            hint="请检查 FUQING_DATABASE_URL，或删除该设置使用内置 SQLite。",
        ) from exc
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
