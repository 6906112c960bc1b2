"""Imports that run in the background, so that a page can show progress instead of waiting on one request.

A web upload of 100,000 rows takes tens of seconds; :class:`ImportJobs` runs :func:`survey.intake.import_file`
in a thread and keeps what a progress bar needs (rows done, an estimate of the total, the final report or the
error). Jobs live in memory: after a restart the upload list (table ``uploads``) still tells what happened.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuqing.errors import FuqingError, NotFound
from survey.intake import UploadReport

log = logging.getLogger(__name__)

_LINE_FORMATS = {".csv", ".txt", ".tsv", ".jsonl", ".ndjson"}
MAX_KEPT = 200


def estimate_rows(path: Path) -> int | None:
    """Data rows of a line-based file (lines minus the header), for a progress bar; None for spreadsheets.

    An estimate only: a quoted cell may span lines. The bar is capped below 100 % until the import ends.
    """
    suffix = path.suffix.lower()
    if suffix not in _LINE_FORMATS:
        return None
    lines = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1
    header = 0 if suffix in {".jsonl", ".ndjson"} else 1
    return max(lines - header, 0)


@dataclass
class ImportJob:
    id: str
    owner_id: int | None
    filename: str
    total_estimate: int | None
    done: int = 0
    status: str = "running"  # running | completed | failed
    report: dict[str, Any] | None = None
    error: str | None = None
    hint: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def percent(self) -> int | None:
        """Whole percent done; never 100 while running (the total is an estimate)."""
        if self.status != "running":
            return 100
        if not self.total_estimate:
            return None
        return min(99, int(100 * self.done / self.total_estimate))

    @property
    def seconds(self) -> float:
        return round((self.finished or time.monotonic()) - self.started, 1)


class StagedFiles:
    """Files inspected but not yet imported (the web upload's confirm step), by an unguessable key bound to the
    user who uploaded them."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[int | None, Path, str, float]] = {}
        self._lock = threading.Lock()

    def put(self, owner_id: int | None, path: Path, filename: str) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._files[key] = (owner_id, path, filename, time.monotonic())
        return key

    def expire(self, max_age_s: float) -> int:
        """Forget (and delete) files inspected but never confirmed: an abandoned upload keeps no answers."""
        now = time.monotonic()
        with self._lock:
            old = [k for k, item in self._files.items() if now - item[3] > max_age_s]
            gone = [self._files.pop(k) for k in old]
        for item in gone:
            item[1].unlink(missing_ok=True)
        return len(gone)

    def take(self, key: str, owner_id: int | None) -> tuple[Path, str]:
        with self._lock:
            item = self._files.get(key)
            if item is None or item[0] != owner_id or not item[1].exists():
                raise NotFound("找不到待导入的文件（可能已导入或服务已重启）。", hint="请重新选择文件上传。")
            del self._files[key]
        return item[1], item[2]


class ImportJobs:
    """The background imports of one service process."""

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def start(
        self,
        work: Callable[[Callable[[int], None]], UploadReport],
        *,
        owner_id: int | None,
        filename: str,
        path: Path,
    ) -> ImportJob:
        """Run ``work(progress)`` in a thread; ``path`` (the uploaded file) is removed when it ends."""
        job = ImportJob(secrets.token_urlsafe(12), owner_id, filename, estimate_rows(path))

        def progress(done: int) -> None:
            job.done = done

        def run() -> None:
            try:
                report = work(progress)
                job.report = report.to_dict()
                job.done = report.rows_total
                job.status = "completed"
            except FuqingError as exc:
                job.error, job.hint, job.status = exc.message, exc.hint, "failed"
            except Exception as exc:  # the thread must record every failure, or the page would wait forever
                log.exception("background import %s failed", job.id)
                job.error = f"导入中断：{type(exc).__name__}。"
                job.hint = "已提交的批次保留；重新上传同一文件即可续传。"
                job.status = "failed"
            finally:
                job.finished = time.monotonic()
                path.unlink(missing_ok=True)

        with self._lock:
            self._jobs[job.id] = job
            self._trim()
        threading.Thread(target=run, name=f"import-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, owner_id: int | None = None) -> ImportJob:
        """A job by id; with ``owner_id``, only that user's job (others see "not found", not "forbidden")."""
        job = self._jobs.get(job_id)
        if job is None or (owner_id is not None and job.owner_id != owner_id):
            raise NotFound(
                "没有这个导入任务（服务重启后任务记录会清空）。", hint="请在“我的上传”中查看结果。"
            )
        return job

    def _trim(self) -> None:
        finished = [j for j in self._jobs.values() if j.status != "running"]
        for j in sorted(finished, key=lambda j: j.started)[: max(0, len(self._jobs) - MAX_KEPT)]:
            del self._jobs[j.id]
