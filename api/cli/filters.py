"""The summary filters as command-line options, declared once for `summary`, `draft` and `report`.

Why a decorator: the twelve options must have the same names and help everywhere, and a command must not be able
to forget some of them (before, `summary` took twelve and `draft` and `report` eight).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import typer

from findings.summaries import Filters

# (Filters field, option, help) in the order `--help` lists them.
OPTIONS: list[tuple[str, str, str]] = [
    ("survey_id", "--survey", "调查编号；不填则全部调查"),
    ("county", "--county", "县（区）"),
    ("township", "--township", "乡镇（街道）"),
    ("village", "--village", "村（社区）"),
    ("group", "--group", "人群标签 id，如 left_behind"),
    ("need", "--need", "需求标签 id，如 employment"),
    ("since", "--since", "起始日期 YYYY-MM-DD"),
    ("until", "--until", "结束日期 YYYY-MM-DD"),
    ("channel", "--channel", "调查方式，如 入户访谈"),
    ("fieldworker", "--fieldworker", "调查员"),
    ("age_band", "--age-band", "<30、30-39、40-49、50-59、60+"),
    ("marital_status", "--marital-status", "婚姻状况"),
]


def with_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Adds the filter options to ``command`` and passes them as one ``filters: Filters`` argument."""
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "filters"]
    added = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(None, option, help=help_text),
            annotation=int | None if name == "survey_id" else str | None,
        )
        for name, option, help_text in OPTIONS
    ]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        values = {name: kwargs.pop(name) for name, _, _ in OPTIONS}
        command(*args, filters=Filters.parse(values), **kwargs)

    run.__signature__ = inspect.Signature(own + added)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in own + added}
    return run
