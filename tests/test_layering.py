"""Dependencies flow one way: the core packages know nothing about HTTP or the CLI."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["nlp.segment", "corpus.service", "evals.retrieval", "fuqing.config"])
def test_core_imports_no_web_or_cli_framework(module: str):
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('fastapi', 'starlette', 'typer', 'click', 'uvicorn') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} imports {out}"
