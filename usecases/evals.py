"""Evaluation runs: running a suite (saved as a run), every suite, the README figures, and reading runs back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals import runs
from evals.runs import RunInfo, SuiteResult
from usecases.context import Ctx, use_case

SHOWN = (".png", ".svg", ".md", ".html")  # what a run may show: its report and plots
LLM_SUITES = {"classify": "llm_tagger", "drafting": "llm_drafter"}


@dataclass(frozen=True)
class SavedRun:
    run_id: str
    result: SuiteResult
    report: Path  # the run's self-contained report.html


@use_case("eval:run")
def run_eval(ctx: Ctx, suite: str, *, use_llm: bool = True, **options: Any) -> SavedRun:
    """Run one suite on its data and save the run."""
    from evals.suites import configured_llm, runner

    if suite in LLM_SUITES and use_llm:
        tagger, drafter = configured_llm(ctx.settings)
        options[LLM_SUITES[suite]] = tagger if suite == "classify" else drafter
    result = runner(suite)(ctx.settings, **options)
    run_id = runs.save_run(ctx.settings, result)
    _audit(ctx, [run_id])
    return SavedRun(run_id, result, runs.run_dir(ctx.settings, run_id) / "report.html")


@use_case("eval:run")
def run_all_evals(
    ctx: Ctx,
    *,
    limit: int | None = None,
    folds: int = 5,
    resamples: int = 1000,
    use_llm: bool = True,
    progress: Callable[[str, str, float], None] | None = None,
    write_readme: bool = False,
) -> tuple[list[str], Path | None]:
    """Every suite on the bundled data, one run each; returns the run ids (and evals/README.md when its figures
    were rewritten from these runs)."""
    from evals.readme import write_readme as write
    from evals.suites import run_all

    ids = run_all(
        ctx.settings, limit=limit, folds=folds, resamples=resamples, use_llm=use_llm, progress=progress
    )
    _audit(ctx, ids)
    return ids, write(ctx.settings, ids) if write_readme else None


@use_case("eval:run")
def classify_single_label(
    ctx: Ctx, train: Path, test: Path, text_field: str, label_field: str
) -> dict[str, Any]:
    """The classifier engine on any single-label data set (e.g. taidi2020c): trained on ``train`` only."""
    from evals.classify import evaluate_single_label

    return evaluate_single_label(train, test, text_field, label_field)


@use_case("eval:run")
def write_eval_readme(ctx: Ctx, run_ids: list[str] | None = None) -> Path:
    """Rewrite the figures of evals/README.md from these runs (default: the latest run of each suite)."""
    from evals.readme import write_readme

    return write_readme(ctx.settings, run_ids)


@use_case("eval:read")
def list_eval_runs(ctx: Ctx, suite: str | None = None) -> list[RunInfo]:
    return runs.list_runs(ctx.settings, suite)


@use_case("eval:read")
def show_eval_run(ctx: Ctx, run_id: str) -> dict[str, Any]:
    """A run's configuration, data fingerprints, metrics, file names and report (``latest``/``latest:SUITE``)."""
    run = runs.load_run(ctx.settings, run_id)
    return {**run, "report": str(runs.run_dir(ctx.settings, run["run_id"]) / "report.html")}


@use_case("eval:read")
def eval_run_file(ctx: Ctx, run_id: str, name: str) -> Path:
    """One file of a run that may be shown (its report, plots), by name; nothing outside the run's folder."""
    from fuqing.errors import NotFound

    path = runs.run_dir(ctx.settings, run_id) / name
    if (
        "/" in name
        or "\\" in name
        or name.startswith(".")
        or path.suffix.lower() not in SHOWN
        or not path.is_file()
    ):
        raise NotFound(f"评测运行 {run_id} 中没有可查看的文件 {name}。", hint="请从运行页面上的链接打开。")
    return path


@use_case("eval:read")
def compare_eval_runs(ctx: Ctx, run_a: str, run_b: str) -> dict[str, Any]:
    """B − A for every headline figure, with the change's interval and whether it exceeds noise."""
    from evals.compare import compare_runs

    return compare_runs(ctx.settings, run_a, run_b)


def _audit(ctx: Ctx, run_ids: list[str]) -> None:
    """Only when a database exists already: an evaluation needs none, and must not create one."""
    if ctx.settings.database_url is None and not (ctx.settings.resolved_home / "fuqing.db").exists():
        return
    with ctx.db.session(write=True) as s:
        for run_id in run_ids:
            ctx.audit(s, "eval.run", "eval_run", run_id)
