"""Shared fixtures: settings on a temporary FUQING_HOME and a corpus ingested once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from fuqing.config import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
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
