"""Schemathesis against the live service's OpenAPI document, once per role (issue 15): no request a client can
build from the schema may answer with a server error. Bounded: a few examples per operation, a fixed seed, well
under two minutes for the three roles together."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fuqing.auth import add_user, create_token
from fuqing.config import Settings
from fuqing.db import open_database
from tests.conftest import install_corpus, install_model

ST = shutil.which("st", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(ST is None, reason="schemathesis is not installed (it is in the test extras)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory, model_template, bundled_home) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    import uvicorn

    from api.app import create_app

    home = tmp_path_factory.mktemp("fuzz") / "home"
    home.mkdir()
    install_model(model_template, home)
    install_corpus(bundled_home, home)
    settings = Settings(home=home)
    db = open_database(settings)
    tokens = {}
    with db.session() as s:
        for role in ("fieldworker", "staff", "admin"):
            add_user(s, role, role)
            tokens[role] = create_token(s, role)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, db=db), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "tokens": tokens}
    server.should_exit = True
    thread.join(10)
    db.dispose()


@pytest.mark.parametrize("role", ["fieldworker", "staff", "admin"])
def test_no_generated_request_gets_a_server_error(served, role: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            ST,
            "run",
            f"{served['url']}/openapi.json",
            "-H",
            f"Authorization: Bearer {served['tokens'][role]}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "8",
            "--seed",
            "15",
            "--phases",
            "examples,fuzzing",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=110,
        env={
            "PATH": str(Path(sys.executable).parent),
            "SCHEMATHESIS_TELEMETRY": "false",
            "HOME": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout[-4000:]
