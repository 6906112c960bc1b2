"""What a suite produces and what a saved run is listed as: plain data, shared by the code that computes
(the suites), writes (evals.runs, evals.report) and reads runs, so none of those needs to import another."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Table:
    """A table for the report: a title, column names and rows of plain values."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class SuiteResult:
    """What a suite hands to :func:`evals.runs.save_run`; the suite computes, evals.runs writes."""

    suite: str
    config: dict[str, Any]
    datasets: dict[str, Path]
    metrics: dict[str, Any]
    predictions: list[dict[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    plots: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class RunInfo:
    """One line of ``fuqing eval list``."""

    run_id: str
    suite: str
    started_at: str
    seconds: float
    git_commit: str | None
    headline: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def headline(
    value: float | None, ci: list[float] | None = None, *, higher_is_better: bool = True
) -> dict[str, Any]:
    """One headline figure in the shape every consumer of metrics.json expects (None: nothing to measure)."""
    v = None if value is None or value != value else round(float(value), 4)
    return {"value": v, "ci": ci if v is not None else None, "higher_is_better": higher_is_better}
