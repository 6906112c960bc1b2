"""Evaluation runs on disk: one directory per run under FUQING_HOME/evals/, and the functions to read them.

A run directory holds everything needed to trust and reproduce a figure later:

- ``config.json``   suite, options, git commit, dataset paths and sha256s, start time, duration, machine
- ``metrics.json``  the suite's metrics; ``metrics["headline"]`` maps a metric name to
                    ``{"value": float, "ci": [lo, hi] | None, "higher_is_better": bool}`` (the same shape for
                    every suite, so lists, comparisons and web pages need no per-suite code)
- ``predictions.jsonl``  one line per evaluated sample (what the system answered, and the gold)
- ``report.md``, ``report.html`` and ``*.png`` plots

The web pages use :func:`list_runs` and :func:`load_run`; both only read.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.report import write_reports
from evals.results import RunInfo, SuiteResult, Table, headline
from fuqing.config import Settings
from fuqing.errors import InputError, NotFound
from fuqing.hashing import sha256_file

# The result types live in evals.results (so evals.report needs nothing from here); callers keep importing
# them from here, and tests import sha256_file from here.
__all__ = [
    "RunInfo",
    "SuiteResult",
    "Table",
    "evals_root",
    "git_commit",
    "headline",
    "list_runs",
    "load_predictions",
    "load_run",
    "run_dir",
    "save_run",
    "sha256_file",
]

_RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[a-z]+(-[0-9]+)?$")
REPO = Path(__file__).resolve().parents[1]


def git_commit() -> str | None:
    """The commit of the code that produced a run, with ``+dirty`` when the tree had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def evals_root(settings: Settings) -> Path:
    return settings.evals_dir


def _new_run_dir(root: Path, suite: str) -> tuple[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    base = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{suite}"
    for i in range(1000):
        run_id = base if i == 0 else f"{base}-{i}"
        try:
            (root / run_id).mkdir()
            return run_id, root / run_id
        except FileExistsError:
            continue
    raise RuntimeError("could not allocate a run directory")


def save_run(settings: Settings, result: SuiteResult) -> str:
    """Write a run directory for a suite's result; returns the run id."""
    run_id, path = _new_run_dir(evals_root(settings), result.suite)
    config = {
        "run_id": run_id,
        "suite": result.suite,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(result.seconds, 2),
        "git_commit": git_commit(),
        "options": result.config,
        "datasets": {name: {"path": str(p), "sha256": sha256_file(p)} for name, p in result.datasets.items()},
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
    }
    (path / "config.json").write_text(
        json.dumps(config, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    (path / "metrics.json").write_text(
        json.dumps(result.metrics, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    with open(path / "predictions.jsonl", "w", encoding="utf-8") as fh:
        for row in result.predictions:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    write_reports(path, config, result)
    return run_id


def _check_id(run_id: str) -> None:
    if not _RUN_ID.match(run_id):
        raise InputError(f"{run_id!r} 不是评测运行编号。", hint="用 `fuqing eval list` 查看已有的运行编号。")


def run_dir(settings: Settings, run_id: str) -> Path:
    """The directory of a run; ``latest`` or ``latest:SUITE`` name the newest run (of a suite)."""
    if run_id == "latest" or run_id.startswith("latest:"):
        suite = run_id.partition(":")[2] or None
        runs = [r for r in list_runs(settings) if suite is None or r.suite == suite]
        if not runs:
            raise NotFound("还没有评测运行。", hint="先运行 `fuqing eval all` 或 `fuqing eval SUITE`。")
        run_id = runs[0].run_id
    _check_id(run_id)
    path = evals_root(settings) / run_id
    if not (path / "metrics.json").exists():
        raise NotFound(f"没有评测运行 {run_id}。", hint="用 `fuqing eval list` 查看已有的运行编号。")
    return path


def list_runs(settings: Settings, suite: str | None = None) -> list[RunInfo]:
    """All complete runs, newest first (optionally of one suite)."""
    root = evals_root(settings)
    if not root.exists():
        return []
    out = []
    for path in root.iterdir():
        if not _RUN_ID.match(path.name) or not (path / "metrics.json").exists():
            continue
        try:
            config = json.loads((path / "config.json").read_text(encoding="utf-8"))
            metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if suite and config.get("suite") != suite:
            continue
        out.append(
            RunInfo(
                path.name,
                config.get("suite", "?"),
                config.get("started_at", ""),
                config.get("seconds", 0.0),
                config.get("git_commit"),
                metrics.get("headline", {}),
            )
        )
    return sorted(out, key=lambda r: (r.started_at, r.run_id), reverse=True)


def load_run(settings: Settings, run_id: str, *, predictions: bool = False) -> dict[str, Any]:
    """A run's config and metrics (and its per-sample predictions when asked)."""
    path = run_dir(settings, run_id)
    out: dict[str, Any] = {
        "run_id": path.name,
        "config": json.loads((path / "config.json").read_text(encoding="utf-8")),
        "metrics": json.loads((path / "metrics.json").read_text(encoding="utf-8")),
        "files": sorted(p.name for p in path.iterdir() if p.is_file()),
    }
    if predictions:
        out["predictions"] = load_predictions(path)
    return out


def load_predictions(path: Path) -> list[dict[str, Any]]:
    file = path / "predictions.jsonl"
    if not file.exists():
        return []
    with open(file, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
