"""The skeleton every evaluation suite follows, so each suite states only what differs: its data, the systems
it runs, how it scores them and how it shows the scores.

:meth:`Suite.run` is the template: load → predict → score → describe, timed and with BLAS on one thread.
A suite is a small dataclass holding its options (``ClassifySuite(test=..., folds=5)``) and implementing the
four steps. The data flow between them is explicit: ``load`` returns the suite's data (``DataT``),
``predict`` the systems' outputs on it (``OutputsT``); ``score`` turns both into metrics.json, ``describe``
into what a reader sees. Writing the run stays with :func:`evals.runs.save_run`, which the caller invokes
on the returned result.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from evals.results import SuiteResult, Table
from fuqing.config import Settings

DataT = TypeVar("DataT")
OutputsT = TypeVar("OutputsT")

Metrics = dict[str, Any]
"""metrics.json: anything the suite measures, plus ``metrics["headline"]`` mapping a figure's name to
:func:`evals.results.headline` (the one shape run lists, comparisons and web pages rely on)."""


@dataclass
class Description:
    """What a reader of the run sees besides the metrics: one record per evaluated sample
    (predictions.jsonl), the report's tables, plots (PNG bytes by name) and notes."""

    predictions: list[dict[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    plots: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS on one thread: logistic regressions on small matrices gain nothing from a second OpenBLAS thread,
    and on a shared 2-core machine its spin-waiting tripled training time (measured: 30 s → 10 s for 400 rows
    under load)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


class Suite(ABC, Generic[DataT, OutputsT]):
    """One evaluation suite; subclasses are dataclasses whose fields are the suite's options."""

    name: ClassVar[str]
    """The suite's name: the ``suite`` of its runs, its directory suffix and its report title key."""

    def run(self, settings: Settings) -> SuiteResult:
        """The template; ``seconds`` covers the four steps, as it did when each suite timed itself."""
        with one_blas_thread():
            started = time.perf_counter()
            data = self.load(settings)
            outputs = self.predict(data)
            metrics = self.score(data, outputs)
            shown = self.describe(data, outputs, metrics)
            seconds = time.perf_counter() - started
        return SuiteResult(
            self.name,
            self.config(),
            self.datasets(),
            metrics,
            shown.predictions,
            shown.tables,
            shown.plots,
            shown.notes,
            seconds,
        )

    @abstractmethod
    def config(self) -> dict[str, Any]:
        """The options recorded in config.json (``options``): what it takes to reproduce the run."""

    @abstractmethod
    def datasets(self) -> dict[str, Path]:
        """The files the run read, by role; config.json records each one's path and sha256."""

    @abstractmethod
    def load(self, settings: Settings) -> DataT:
        """Read the data and build what is evaluated (the model, the corpus, the drafters); the only step that
        sees the settings, so everything later works on what this returns."""

    @abstractmethod
    def predict(self, data: DataT) -> OutputsT:
        """Run the system or systems on the data: their answers, not yet judged."""

    @abstractmethod
    def score(self, data: DataT, outputs: OutputsT) -> Metrics:
        """Judge the answers against the gold, each figure with its 95% bootstrap interval."""

    @abstractmethod
    def describe(self, data: DataT, outputs: OutputsT, metrics: Metrics) -> Description:
        """Per-sample records, tables, plots and notes for the report, from what the steps before produced."""
