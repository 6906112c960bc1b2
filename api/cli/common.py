"""Helpers every CLI command uses: the settings object, JSON output and the one error mapping."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from fuqing.actors import Actor
from fuqing.config import Settings
from fuqing.errors import FuqingError
from usecases import Ctx, Services

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def render_error(exc: FuqingError) -> None:
    err_console.print(f"[bold red]错误[/]：{exc.message}")
    if exc.hint:
        err_console.print(f"[yellow]怎么办[/]：{exc.hint}")


class FuqingGroup(TyperGroup):
    """Maps the core's errors to a message and an exit code, once, for every command."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FuqingError as exc:
            render_error(exc)
            raise typer.Exit(exc.exit_code) from None


def settings_of(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Settings()
    return root.obj  # type: ignore[no-any-return]


def use_ctx(ctx: typer.Context) -> Ctx:
    """The use-case context of this command: the person at the server's command line, and services built on first
    use (the database, the model and the corpus are opened only by the commands that need them)."""
    return Ctx(Services.for_settings(settings_of(ctx)), Actor.cli())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        cls=FuqingGroup,
        help=help_text,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
