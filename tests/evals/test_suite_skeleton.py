"""The evaluation code keeps its shape: every suite follows the one skeleton, no function grows past 60
lines, and the evals modules import each other one way only. Each check reads the code, so it cannot drift."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from evals.suite import Suite
from evals.suites import SUITES, runner, suite_class

EVALS = Path(__file__).resolve().parents[2] / "evals"
MAX_LINES = 60


def _modules() -> dict[str, Path]:
    out = {}
    for path in EVALS.rglob("*.py"):
        parts = path.relative_to(EVALS.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


@pytest.mark.parametrize("name", SUITES)
def test_every_suite_is_a_small_dataclass_on_the_skeleton(name: str):
    cls = suite_class(name)
    assert issubclass(cls, Suite)
    assert dataclasses.is_dataclass(cls)
    assert cls.name == name  # the suite of its runs and its report title
    assert not getattr(cls, "__abstractmethods__", None), f"{cls.__name__} leaves steps unimplemented"
    assert callable(runner(name))


def test_no_function_in_evals_is_over_60_lines():
    """From the def line to the body's last line (decorators not counted)."""
    long = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES:
                    long.append(f"{module}.{node.name}: {lines} lines")
    assert not long, "\n".join(long)


def _imports(path: Path, package: str, modules: set[str]) -> set[str]:
    """The evals modules a file imports anywhere in it, function-level (lazy) imports included."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        out |= {n for n in names if n in modules}
    return out


def test_no_import_cycle_among_evals_modules():
    modules = _modules()
    graph = {
        m: _imports(p, m if p.name == "__init__.py" else m.rpartition(".")[0], set(modules)) - {m}
        for m, p in modules.items()
    }
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> None:
        if m in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(m) :] + [m]))
        if m in done:
            return
        for dep in sorted(graph[m]):
            visit(dep, [*path, m])
        done.add(m)

    for m in sorted(graph):
        visit(m, [])
