"""Schemathesis against the live service's OpenAPI document, once per role (issue 15): no request a client can
build from the schema may answer with a server error or a body the document does not describe, including chains
of requests that follow the document's links (a new survey answered, read and deleted; an upload read). Bounded:
a few examples per operation, a fixed seed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fuqing.auth import add_user, create_token
from fuqing.config import Settings
from fuqing.db import open_database
from tests.conftest import install_corpus, install_model, serve_in_thread

ST = shutil.which("st", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(ST is None, reason="schemathesis is not installed (it is in the test extras)")


@pytest.fixture(scope="module")
def served(tmp_path_factory, model_template, bundled_home) -> Iterator[dict]:  # type: ignore[no-untyped-def]
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
    with serve_in_thread(create_app(settings, db=db)) as url:
        yield {"url": url, "tokens": tokens}
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
            "examples,fuzzing,stateful",
            "--report-dir",
            str(tmp_path),
            # Revoking a user's tokens would revoke the fuzzing token itself (the stateful phase follows the names
            # GET /api/users lists) and leave every later request a 401; tests/web/test_accounts.py covers it.
            "--exclude-name",
            "DELETE /api/users/{name}/tokens",
        ],
        capture_output=True,
        text=True,
        timeout=300,  # generous: a loaded 2-core host; the check is for server errors, not speed
        env={
            "PATH": str(Path(sys.executable).parent),
            "SCHEMATHESIS_TELEMETRY": "false",
            "HOME": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "401 Unauthorized (" not in result.stdout, result.stdout[:4000]  # the token worked to the end
    assert "✅ Stateful" in result.stdout  # the links of api/openapi_links.py were followed
