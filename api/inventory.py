"""Which use case every route and command reaches: read from the code itself, for the README's architecture section
and for the test that keeps that section true (tests/test_architecture.py).

A shell function "reaches" a use case when its body, or a helper of the same module that it calls, calls
``uc.<name>(…)``. Print the tables with ``python -m api.inventory``; ``--write`` updates the README.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import typer
from fastapi import FastAPI
from fastapi.routing import APIRoute

README = Path(__file__).resolve().parents[1] / "README.md"
START = "<!-- inventory:start (python -m api.inventory --write) -->"
END = "<!-- inventory:end -->"


@dataclass(frozen=True)
class Entry:
    shell: str  # "cli" | "api" | "web"
    name: str  # `fuqing survey import` or `POST /api/uploads`
    function: str  # module:function of the shell
    use_cases: tuple[str, ...]


def iter_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) for every API route, through included routers at any depth."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield prefix + route.path, route
            elif hasattr(route, "original_router"):  # an included router (FastAPI >= 0.16x)
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)

    yield from walk(app.router.routes, "")


def iter_commands(group: Any, prefix: str = "fuqing") -> Iterator[tuple[str, Callable[..., Any]]]:
    """(`fuqing survey import`, callback) for every command (Typer's click groups, duck-typed)."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from iter_commands(command, f"{prefix} {name}")
        elif command.callback is not None:
            yield f"{prefix} {name}", command.callback


def use_cases_of(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The ``uc.<name>`` calls in ``fn`` and in the same-module helpers it calls, in order of appearance."""
    fn = inspect.unwrap(fn)
    module = inspect.getmodule(fn)
    found: list[str] = []
    _collect(fn, module, found, set())
    return tuple(dict.fromkeys(found))


def _collect(fn: Callable[..., Any], module: ModuleType | None, found: list[str], seen: set[str]) -> None:
    """The function's own ``uc.<name>`` references first (called, or handed to a thread pool), in source order;
    then those of the same-module helpers it calls."""
    if fn.__name__ in seen:
        return
    seen.add(fn.__name__)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError):
        return
    nodes = sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    helpers = []
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "uc":
            if node.attr[:1].islower():
                found.append(node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and module is not None:
            helper = getattr(module, node.func.id, None)
            if inspect.isfunction(helper) and helper.__module__ == module.__name__:
                helpers.append(helper)
    for helper in helpers:
        _collect(helper, module, found, seen)


def inventory(app: FastAPI, cli: typer.Typer) -> list[Entry]:
    entries = []
    for path, route in iter_routes(app):
        shell = "api" if path.startswith("/api/") else "web"
        for method in sorted(route.methods - {"HEAD"}):
            fn = route.endpoint
            name = f"{fn.__module__}:{fn.__name__}"
            entries.append(Entry(shell, f"{method} {path}", name, use_cases_of(fn)))
    for name, callback in iter_commands(typer.main.get_command(cli)):
        fn = inspect.unwrap(callback)
        entries.append(Entry("cli", name, f"{fn.__module__}:{fn.__name__}", use_cases_of(callback)))
    return entries


def markdown(entries: list[Entry]) -> str:
    """The README table: one row per route or command, with the use case(s) it calls."""
    lines = ["| shell | route or command | use case |", "|---|---|---|"]
    for e in sorted(entries, key=lambda e: ({"cli": 0, "api": 1, "web": 2}[e.shell], e.name)):
        cases = ", ".join(f"`{c}`" for c in e.use_cases) or "— (no work: a form, a redirect or a file)"
        lines.append(f"| {e.shell} | `{e.name}` | {cases} |")
    return "\n".join(lines)


def current_markdown() -> str:
    import tempfile

    from api.app import create_app
    from api.cli import app as cli
    from fuqing.config import Settings

    with tempfile.TemporaryDirectory() as home:
        fastapi_app = create_app(Settings(home=home))
        try:
            return markdown(inventory(fastapi_app, cli))
        finally:
            fastapi_app.state.services.db.dispose()


def write_readme(path: Path = README) -> Path:
    """Rewrite the table between the markers of the README's architecture section."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{current_markdown()}\n{END}{tail}", encoding="utf-8")
    return path


if __name__ == "__main__":
    if "--write" in sys.argv:
        print(f"updated {write_readme()}")
    else:
        print(current_markdown())
