"""Shared fixtures: settings on a temporary FUQING_HOME and a corpus ingested once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from fuqing.config import Settings
from fuqing.vault import Vault

REPO = Path(__file__).resolve().parents[1]
TEST_VAULT = Vault(bytes(range(32)), "test-key")  # a fixed key for core tests that seal contact fields
SEED = REPO / "corpus" / "data" / "anhui-ponan-2022.raw.txt"


@pytest.fixture(scope="session")
def bundled_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template FUQING_HOME with the bundled corpus ingested, built once in a child process.

    Built out of process so that no Chroma client of this process holds it open: copies of it are then
    complete and independent.
    """
    home = tmp_path_factory.mktemp("bundled-template")
    code = "from fuqing.config import Settings; from corpus.service import Corpus; import sys; Corpus.open(Settings(home=sys.argv[1]))"
    subprocess.run(
        [sys.executable, "-c", code, str(home)],
        check=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    return home


@pytest.fixture(scope="session")
def corpus(bundled_home: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A corpus for read-only tests (a session copy of the template)."""
    from corpus.service import Corpus

    home = tmp_path_factory.mktemp("corpus-ro") / "home"
    shutil.copytree(bundled_home, home)
    return Corpus.open(Settings(home=home))


@pytest.fixture()
def fresh_settings(tmp_path: Path, bundled_home: Path) -> Settings:
    """Settings on a private copy of the ingested home, for tests that add or replace documents."""
    home = tmp_path / "home"
    shutil.copytree(bundled_home, home)
    return Settings(home=home)


@pytest.fixture()
def empty_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "empty-home")


PG_URL = os.environ.get("FUQING_TEST_PG_URL", "postgresql://127.0.0.1:5432/test")


def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is not reachable: {exc}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings on a fresh database: SQLite under the home, or a private schema of the PostgreSQL `test` database."""
    if request.param == "sqlite":
        yield Settings(home=tmp_path / "home")
        return
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import uuid

    import psycopg

    schema = f"fq_test_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    yield Settings(home=tmp_path / "home", database_url=f"{base}{sep}options=-csearch_path%3D{schema}")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture()
def db(db_settings: Settings):  # type: ignore[no-untyped-def]
    from fuqing.db import open_database

    database = open_database(db_settings)
    yield database
    database.dispose()


@pytest.fixture()
def survey_id(db) -> int:  # type: ignore[no-untyped-def]
    """An empty survey in the test database."""
    from fuqing.models import Survey

    with db.session(write=True) as s:
        survey = Survey(title="t", questions=[])
        s.add(survey)
        s.flush()
        return survey.id


@pytest.fixture(scope="session")
def model_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FUQING_HOME whose models/ holds the needs model trained from the bundled data (once per session)."""
    from nlp.model_store import current_model

    home = tmp_path_factory.mktemp("model-template")
    current_model(Settings(home=home))
    return home


@pytest.fixture(scope="session")
def trained(model_template: Path):  # type: ignore[no-untyped-def]
    from nlp.model_store import current_model

    return current_model(Settings(home=model_template), train_if_missing=False)


@pytest.fixture(scope="session")
def tagger(trained):  # type: ignore[no-untyped-def]
    from nlp.tagger import ModelTagger

    return ModelTagger(trained.model, trained.version)


def install_model(template: Path, home: Path) -> None:
    """Give a test home the session's trained model instead of training again."""
    shutil.copytree(template / "models", home / "models", dirs_exist_ok=True)


def install_corpus(template: Path, home: Path) -> None:
    """Give a test home the session's ingested corpus (documents, embedder and Chroma) instead of ingesting again."""
    for part in ("corpus", "chroma"):
        shutil.copytree(template / part, home / part, dirs_exist_ok=True)


def insert_labelled(db, survey_id: int, rows: list[dict]) -> list[int]:  # type: ignore[no-untyped-def,type-arg]
    """Responses with applied human labels (and their masks), without a tagger: for tests of what is counted.

    Each row: county, township, village, labels (list), and optionally text, month, fieldworker, marital_status.
    """
    from datetime import UTC, datetime

    from fuqing.models import Response, ResponseLabel
    from nlp.taxonomy import taxonomy
    from survey.masks import refresh_masks

    tax = taxonomy()
    ids = []
    with db.session(write=True) as s:
        for i, row in enumerate(rows):
            r = Response(
                survey_id=survey_id,
                source_id=f"t{survey_id}-{i}",
                county=row["county"],
                township=row["township"],
                village=row["village"],
                fieldworker=row.get("fieldworker"),
                marital_status=row.get("marital_status"),
                answers={},
                text_redacted=row.get("text", f"想找点活干，第{i}位"),
                collected_at=datetime(2025, row.get("month", 3), 10, 2, 0, tzinfo=UTC),
            )
            s.add(r)
            s.flush()
            for lab in row["labels"]:
                s.add(
                    ResponseLabel(
                        response_id=r.id,
                        label=lab,
                        family=tax.family_of(lab),
                        score=0.9,
                        source="human",
                        status="applied",
                    )
                )
            ids.append(r.id)
        s.flush()
        refresh_masks(s, ids)
    return ids


def free_port() -> int:
    """A loopback port nobody listens on (for a live server or a Chroma server started by a test)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port in a daemon thread; yields its base URL."""
    import threading
    import time

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)
