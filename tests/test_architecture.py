"""The architecture as contracts: one-way dependencies, one use case per command and route, one noun per concept,
short functions. Each check reads the code, so it cannot drift from it."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 60


def test_import_contracts_hold():
    """Layers from the shells down to the shared layer, nothing HTTP/CLI below the shells, no cycles."""
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    res = subprocess.run([exe, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]


@pytest.mark.parametrize(
    "module",
    ["nlp.segment", "corpus.service", "survey.intake", "findings.drafting", "usecases", "evals.runs"],
)
def test_core_imports_load_no_web_or_cli_framework(module: str):
    """At run time too: a third-party import must not drag a web framework into the core either."""
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('fastapi', 'starlette', 'typer', 'click', 'uvicorn') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "", f"{module} imports {out}"


def _functions() -> list[tuple[str, str, int]]:
    out = []
    for path in REPO.rglob("*.py"):
        rel = path.relative_to(REPO)
        if rel.parts[0] in (".venv", "web", "node_modules") or "migrations" in rel.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out.append((str(rel), node.name, node.end_lineno - node.lineno + 1))  # type: ignore[operator]
    return out


def test_no_function_is_longer_than_sixty_lines():
    long = sorted((n, f"{p}:{name}") for p, name, n in _functions() if n > MAX_LINES)
    assert not long, f"functions over {MAX_LINES} lines: {long}"


def test_every_route_and_command_reaches_a_use_case_and_the_readme_says_which():
    from api.inventory import END, START, current_markdown

    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == current_markdown(), "README is out of date: run `python -m api.inventory --write`"
    from api.app import create_app
    from api.cli import app as cli
    from api.inventory import inventory
    from fuqing.config import Settings

    exempt = re.compile(r"GET /(docs|login|ask)$|GET /api/health$|POST /logout$|fuqing serve$")
    app = create_app(Settings(home=REPO / ".pytest-inventory-home"))
    try:
        entries = inventory(app, cli)
    finally:
        app.state.services.db.dispose()
        shutil.rmtree(REPO / ".pytest-inventory-home", ignore_errors=True)
    legacy = _legacy_paths()
    idle = [
        e.name
        for e in entries
        if not e.use_cases and not exempt.search(e.name) and e.name.split()[-1] not in legacy
    ]
    assert not idle, f"these do work without a use case: {idle}"


def _legacy_paths() -> set[str]:
    from api.web.routes_legacy import MOVED

    return set(MOVED) | {"/respond"}


def _glossary() -> list[dict[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- glossary:start -->", 1)[1].split("<!-- glossary:end -->", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in block.strip().splitlines()[2:]]
    keys = ("noun", "zh", "cli", "api", "web", "code")
    return [dict(zip(keys, (c.strip() for c in row), strict=True)) for row in rows]


def test_the_glossary_names_every_command_and_address():
    from fastapi.routing import APIRoute  # noqa: F401 - the route table below is FastAPI's

    from api.app import create_app
    from api.cli import app as cli
    from api.inventory import iter_commands, iter_routes
    from fuqing.config import Settings

    rows = _glossary()
    cli_cells = " ".join(r["cli"] for r in rows)
    addresses = " ".join(f"{r['api']} {r['web']}" for r in rows)
    import typer

    top = {name.split()[1] for name, _ in iter_commands(typer.main.get_command(cli))}
    assert not [c for c in top if f"fuqing {c}" not in cli_cells], "commands missing from the glossary"
    home = REPO / ".pytest-glossary-home"
    app = create_app(Settings(home=home))
    try:
        paths = (
            {path for path, _ in iter_routes(app)} - _legacy_paths() - {"/api/corpus/units/{clause_id:path}"}
        )
    finally:
        app.state.services.db.dispose()
        shutil.rmtree(home, ignore_errors=True)
    missing = [p for p in paths if _stem(p) not in addresses]
    assert not missing, f"addresses missing from the glossary: {sorted(missing)}"


def _stem(path: str) -> str:
    """/api/uploads/{id} -> /api/uploads; /admin/users/x -> /admin/users; /summaries/panel -> /summaries."""
    parts = [p for p in path.split("/") if p]
    keep = 2 if parts and parts[0] in ("api", "admin") else 1
    return "/" + "/".join(parts[:keep]) if parts else "/"


def test_each_noun_is_used_in_its_own_names():
    """The English noun of a row appears in its addresses or commands and in its code paths."""
    for row in _glossary():
        words = [w.strip() for w in row["noun"].split(",")]
        names = f"{row['cli']} {row['api']} {row['web']} {row['code']}".replace("_", " ")
        for word in words:
            stem = word.split()[0][:4]
            assert stem in names, (word, row)


def test_the_migration_bit_positions_match_the_taxonomy():
    """Migration 0003 froze the label bit positions; the taxonomy must not reorder them."""
    import importlib

    from nlp.taxonomy import taxonomy

    bits = importlib.import_module("fuqing.migrations.versions.0003_label_masks").BITS
    tax = taxonomy()
    for family, ids in bits.items():
        assert [lab.id for lab in tax.family(family)][: len(ids)] == ids
