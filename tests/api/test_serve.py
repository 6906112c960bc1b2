"""The README's main job: `fuqing serve` starts a live server on embedded defaults and answers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port, install_corpus, install_model


def test_serve_starts_and_answers(tmp_path: Path, model_template, bundled_home):
    home = tmp_path / "home"
    install_model(model_template, home)
    install_corpus(bundled_home, home)
    env = {**os.environ, "FUQING_HOME": str(home), "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
    subprocess.run(
        [sys.executable, "-m", "api.cli", "user", "add", "boss", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
    )
    token = subprocess.run(
        [sys.executable, "-m", "api.cli", "token", "create", "boss"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise AssertionError("server did not start")
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"http://127.0.0.1:{port}/api/me", headers=headers).json()["role"] == "admin"
        hits = httpx.get(  # the first search opens the corpus: seconds on a loaded host
            f"http://127.0.0.1:{port}/api/corpus/search",
            params={"q": "单亲母亲"},
            headers=headers,
            timeout=60,
        ).json()
        assert hits and hits[0]["clause_id"]
        docs = httpx.get(f"http://127.0.0.1:{port}/docs")
        assert docs.status_code == 200 and "cdn" not in docs.text and "https://" not in docs.text
        assert httpx.get(f"http://127.0.0.1:{port}/static/swagger/swagger-ui-bundle.js").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
