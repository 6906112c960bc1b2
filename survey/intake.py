"""Importing an export file: detect, map, validate, store in committed batches, flag, and report.

One core used by the CLI and the HTTP API. Each batch is one transaction that also updates the upload's
counters, so a crash leaves the committed batches correctly counted; uploading again resumes, because rows
already stored are recognised by their source id and skipped as duplicates.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fuqing.actors import Actor
from fuqing.audit import record
from fuqing.bulk import existing_response_ids, insert_rows
from fuqing.config import Settings
from fuqing.db import Database
from fuqing.errors import InputError
from fuqing.hashing import sha256_file
from fuqing.models import Response, Upload, UploadError
from fuqing.revisions import next_rev
from fuqing.secret import install_key
from fuqing.timeutil import utcnow
from fuqing.vault import Vault
from survey.contacts import store_contacts
from survey.inspection import Inspection, inspect_file
from survey.parse_pool import parsed_batches, use_second_process
from survey.rows import ParsedRow, RowParser, RowProblem
from survey.surveys import create_survey, get_survey, merge_questions
from survey.tables import Table

log = logging.getLogger(__name__)
SAMPLE_ROWS = 200
MAX_STORED_ERRORS = 5000
REPEATED_IP_MIN = 5
TOO_FAST_FLOOR_S = 20.0

BatchHook = Callable[[Session, list[int]], None]


@dataclass
class UploadReport:
    upload_id: int
    survey_id: int
    survey_title: str
    filename: str
    format: str
    encoding: str | None
    status: str
    rows_total: int = 0
    rows_ok: int = 0
    rows_failed: int = 0
    rows_duplicate: int = 0
    duplicate_rows: list[int] = field(
        default_factory=list
    )  # the first few, for the report and the upload page
    rows_flagged: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str | None = None

    @property
    def stored(self) -> bool:
        return (
            self.status == "completed"
            and self.rows_ok > 0
            or self.status == "completed"
            and self.rows_duplicate > 0
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _rows(table: Table) -> Iterator[tuple[int, list[str]]]:
    # Row numbers as a spreadsheet shows them: the header is row 1.
    yield from enumerate(table.rows, start=2)


class _Importer:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        inspection: Inspection,
        actor: Actor,
        *,
        check_existing: bool = True,
        file_key: str = "",
        legacy_keys: bool = False,
    ):
        self.db = db
        self.insp = inspection
        self.actor = actor
        self.parser = RowParser(
            inspection.headers,
            inspection.layout,
            inspection.resolved,  # type: ignore[arg-type]
            ip_key=install_key(settings),
            default_fieldworker=actor.name if actor.is_fieldworker else None,
            identifying=inspection.identifying,
            file_key=file_key,
        )
        # The same file was imported into this survey by a version that keyed rows differently: recognise its
        # rows by their old keys too, so that the re-upload stays idempotent.
        self.legacy_keys = legacy_keys
        self.vault = Vault.of(settings)
        self.seen: set[str] = set()
        self.durations: list[tuple[int, float]] = []
        self.ip_counts: Counter[str] = Counter()
        self.errors: list[RowProblem] = []
        self.error_count = 0
        self.stored_errors = 0
        # False for a survey that was empty when the upload began: batches skip the duplicate query.
        self.check_existing = check_existing
        self.parallel = False  # parse in a second process (set by import_file for a large file)

    def note_duplicates(self, report: UploadReport, rows: list[int]) -> None:
        room = 10 - len(report.duplicate_rows)
        if room > 0:
            report.duplicate_rows.extend(sorted(rows)[:room])

    def note(self, problems: list[RowProblem]) -> None:
        for p in problems:
            if p.kind == "error":
                self.error_count += 1
            self.errors.append(p)


def _store_problems(session: Session, upload_id: int, problems: list[RowProblem], already: int) -> int:
    room = max(0, MAX_STORED_ERRORS - already)
    rows = [
        {"upload_id": upload_id, "row": p.row, "column": p.column, "kind": p.kind, "reason": p.reason}
        for p in problems[:room]
    ]
    if rows:
        session.execute(insert(UploadError), rows)
    return len(rows)


def import_file(
    db: Database,
    settings: Settings,
    path: Path,
    *,
    survey_id: int | None = None,
    new_survey_title: str | None = None,
    mapping_override: dict[str, Any] | None = None,
    strict: bool = False,
    actor: Actor,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    on_batch: BatchHook | None = None,
    display_name: str | None = None,
) -> UploadReport:
    path = Path(path)
    if (survey_id is None) == (new_survey_title is None):
        raise InputError(
            "请指定导入到哪个调查：已有调查的编号，或新调查的标题（二选一）。",
            hint="已有调查可在调查列表中查看。",
        )
    insp = inspect_file(path, mapping_override=mapping_override, max_mb=settings.max_upload_mb)
    digest = sha256_file(path)
    report, prior, seen_file = _open_upload(
        db, insp, path, digest, display_name or path.name, survey_id, new_survey_title, strict, actor
    )
    imp = _Importer(db, settings, insp, actor, check_existing=prior, file_key=digest, legacy_keys=seen_file)
    imp.parallel = use_second_process(path, settings.import_parallel_mb)
    try:
        if strict:
            return _strict_import(
                db, imp, report, path, mapping_override, settings, batch_size, progress, on_batch
            )
        _run_batches(db, imp, report, _rows(insp.table), batch_size, progress, on_batch)
    except Exception as exc:
        _mark_failed(db, report, exc)
        raise
    return _finish(db, imp, report)


def _open_upload(
    db: Database,
    insp: Inspection,
    path: Path,
    digest: str,
    filename: str,
    survey_id: int | None,
    new_survey_title: str | None,
    strict: bool,
    actor: Actor,
) -> tuple[UploadReport, bool, bool]:
    """The upload's row (and the survey, if new), committed before the first batch: a crash later leaves a
        record of what was attempted. Also says whether the survey already held responses, and whether this very file
    was imported into it before."""
    with db.session(write=True) as s:
        survey = get_survey(s, survey_id) if survey_id is not None else None
        if survey is None:
            survey = create_survey(s, new_survey_title or "", actor=actor)
        merge_questions(survey, insp.questions, insp.mapping.get("needs_text"))
        upload = Upload(
            survey_id=survey.id,
            filename=filename[:255],
            sha256=digest,
            size_bytes=path.stat().st_size,
            fmt=insp.label,
            encoding=insp.encoding,
            mapping=insp.mapping,
            strict=strict,
            uploader_id=actor.user_id,
            status="running",
        )
        s.add(upload)
        s.flush()
        record(s, actor, "upload.start", "upload", upload.id, survey_id=survey.id, sha256=digest)
        prior = s.scalar(select(Response.id).where(Response.survey_id == survey.id).limit(1)) is not None
        seen_file = prior and (
            s.scalar(
                select(Upload.id)
                .where(Upload.survey_id == survey.id, Upload.sha256 == digest, Upload.id != upload.id)
                .limit(1)
            )
            is not None
        )
        report = UploadReport(
            upload.id,
            survey.id,
            survey.title,
            filename,
            insp.label,
            insp.encoding,
            "running",
            mapping=insp.mapping_labels,
            warnings=insp.warnings,
        )
    return report, prior, seen_file


def _strict_import(db, imp, report, path, mapping_override, settings, batch_size, progress, on_batch):  # type: ignore[no-untyped-def]
    """Validate every row first; store nothing unless all are valid."""
    problems: list[RowProblem] = []
    total = 0
    for n, row in _rows(imp.insp.table):
        total += 1
        parsed = imp.parser.parse(n, row)
        problems.extend(p for p in parsed.problems if p.kind == "error")
    if problems:
        with db.session(write=True) as s:
            _store_problems(s, report.upload_id, problems, 0)
            up = s.get(Upload, report.upload_id)
            up.status, up.rows_total, up.rows_failed, up.finished_at = (
                "refused",
                total,
                len({p.row for p in problems}),
                utcnow(),
            )
            up.message = f"严格模式：{len(problems)} 处错误，未写入任何数据。"
        report.status, report.rows_total, report.rows_failed = (
            "refused",
            total,
            len({p.row for p in problems}),
        )
        report.errors = [p.__dict__ for p in problems[:200]]
        report.message = f"严格模式：有 {len(problems)} 处错误，没有写入任何数据。请修正后重新上传。"
        return report
    fresh = inspect_file(path, mapping_override=mapping_override, max_mb=settings.max_upload_mb)
    _run_batches(db, imp, report, _rows(fresh.table), batch_size, progress, on_batch)
    return _finish(db, imp, report)


def _run_batches(db, imp, report, rows, batch_size, progress, on_batch) -> None:  # type: ignore[no-untyped-def]
    """Parse a batch, then store it in one transaction, until the file ends (a large file is parsed in a second
    process meanwhile: survey/parse_pool.py)."""
    for read, parsed in parsed_batches(imp.parser, rows, batch_size, parallel=imp.parallel):
        batch = _Batch(read=read)
        for p in parsed:
            batch.problems.extend(p.problems)
            if p.record is None:
                batch.failed += 1
            elif p.record["source_id"] in imp.seen:
                batch.duplicates += 1
                batch.duplicate_rows.append(p.row)
            else:
                imp.seen.add(p.record["source_id"])
                batch.candidates.append(p)
        _store_batch(db, imp, report, batch, progress, on_batch)


@dataclass
class _Batch:
    read: int
    candidates: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    failed: int = 0
    duplicates: int = 0
    duplicate_rows: list[int] = field(default_factory=list)


def _store_batch(db, imp, report, batch: _Batch, progress, on_batch) -> None:  # type: ignore[no-untyped-def]
    """One transaction: skip rows stored before, insert the rest, record row problems and the counters.

    A survey that held no responses when the upload began needs no per-batch duplicate query (repeats
    within the file are caught by ``imp.seen``). If another writer stores a row with one of our source ids
    meanwhile, the unique index refuses the batch and it is redone with the query.
    """
    try:
        _store_batch_once(db, imp, report, batch, progress, on_batch)
    except IntegrityError:
        if imp.check_existing:
            raise
        imp.check_existing = True
        _store_batch_once(db, imp, report, batch, progress, on_batch)


def _store_batch_once(db, imp, report, batch: _Batch, progress, on_batch) -> None:  # type: ignore[no-untyped-def]
    candidates = batch.candidates
    duplicates = batch.duplicates
    with db.session(write=True) as s:
        keys = [c.record["source_id"] for c in candidates]
        if imp.legacy_keys:
            keys += [c.legacy_key for c in candidates if c.legacy_key]
        existing = existing_response_ids(s, report.survey_id, keys) if imp.check_existing else {}
        new = [
            c
            for c in candidates
            if c.record["source_id"] not in existing and not (imp.legacy_keys and c.legacy_key in existing)
        ]
        duplicates += len(candidates) - len(new)
        fresh = {id(c) for c in new}
        imp.note_duplicates(report, batch.duplicate_rows + [c.row for c in candidates if id(c) not in fresh])
        rev = next_rev(s) if new else 0
        fixed = {
            "survey_id": report.survey_id,
            "upload_id": report.upload_id,
            "created_by": imp.actor.user_id,
            "rev": rev,
        }
        new_ids: list[int] = []
        if new:
            # A driver-level executemany: several times faster than an ORM insert (fuqing/bulk.py).
            new_ids = insert_rows(s, Response.__table__, [c.record for c in new], fixed)
        store_contacts(
            s,
            imp.vault,
            report.survey_id,
            [(rid, c.contact) for c, rid in zip(new, new_ids, strict=True) if c.contact],
        )
        for c, rid in zip(new, new_ids, strict=True):
            if c.record.get("duration_s") is not None:
                imp.durations.append((rid, c.record["duration_s"]))
            if c.ip:
                imp.ip_counts[c.ip] += 1
        if on_batch is not None and new_ids:
            on_batch(s, new_ids)
        imp.stored_errors += _store_problems(s, report.upload_id, batch.problems, imp.stored_errors)
        flagged = sum(1 for c in new if c.record["flag_straight_lining"] or c.record["flag_all_skipped"])
        s.execute(
            update(Upload)
            .where(Upload.id == report.upload_id)
            .values(
                rows_total=Upload.rows_total + batch.read,
                rows_ok=Upload.rows_ok + len(new),
                rows_failed=Upload.rows_failed + batch.failed,
                rows_duplicate=Upload.rows_duplicate + duplicates,
                rows_flagged=Upload.rows_flagged + flagged,
            )
        )
    report.rows_total += batch.read
    report.rows_ok += len(new)
    report.rows_failed += batch.failed
    report.rows_duplicate += duplicates
    imp.note(batch.problems)
    if progress is not None:
        progress(report.rows_total)


def _finish(db: Database, imp: _Importer, report: UploadReport) -> UploadReport:
    """Flags that need the whole upload (implausibly fast, same IP many times), then the final status."""
    fast_ids: list[int] = []
    if imp.durations:
        median = statistics.median(d for _, d in imp.durations)
        threshold = max(TOO_FAST_FLOOR_S, median / 3) if len(imp.durations) >= 5 else TOO_FAST_FLOOR_S
        fast_ids = [rid for rid, d in imp.durations if d < threshold]
    repeated = [ip for ip, n in imp.ip_counts.items() if n >= REPEATED_IP_MIN]
    with db.session(write=True) as s:
        for start in range(0, len(fast_ids), 1000):
            s.execute(
                update(Response)
                .where(Response.id.in_(fast_ids[start : start + 1000]))
                .values(flag_too_fast=True)
            )
        if repeated:
            s.execute(
                update(Response)
                .where(Response.upload_id == report.upload_id, Response.ip_hash.in_(repeated))
                .values(flag_repeated_ip=True)
            )
        flagged = (
            s.query(Response)
            .filter(
                Response.upload_id == report.upload_id,
                Response.flag_too_fast
                | Response.flag_repeated_ip
                | Response.flag_straight_lining
                | Response.flag_all_skipped,
            )
            .count()
        )
        up = s.get(Upload, report.upload_id)
        up.rows_flagged = flagged
        up.status = "completed"
        up.finished_at = utcnow()
        stored_nothing = report.rows_ok == 0 and report.rows_duplicate == 0
        up.message = "没有一行可以写入。" if stored_nothing else _duplicate_note(report) or None
        record(
            s,
            imp.actor,
            "upload.finish",
            "upload",
            report.upload_id,
            ok=report.rows_ok,
            failed=report.rows_failed,
            duplicate=report.rows_duplicate,
        )
    report.rows_flagged = flagged
    report.status = "completed"
    report.errors = [p.__dict__ for p in imp.errors[:200]]
    if report.rows_ok == 0 and report.rows_duplicate == 0:
        report.message = "没有一行可以写入：请查看行错误，修正后重新上传。"
    elif report.rows_ok == 0:
        report.message = f"全部 {report.rows_duplicate} 行此前已导入过，本次没有新数据。"
    if report.rows_duplicate:
        report.warnings.append(_duplicate_note(report))
    return report


def _duplicate_note(report: UploadReport) -> str:
    """How many rows were skipped as already imported, why, and the first few row numbers."""
    if not report.rows_duplicate:
        return ""
    shown = "、".join(str(n) for n in report.duplicate_rows[:5])
    more = " 等" if report.rows_duplicate > 5 else ""
    return (
        f"{report.rows_duplicate} 行已跳过：编号与此前导入的行（或本文件中更早的行）相同（第 {shown}{more} 行）。"
        "同一份导出重复上传时会这样；如果这些是不同的人，请检查编号列是否选对。"
    )


def _mark_failed(db: Database, report: UploadReport, exc: BaseException) -> None:
    try:
        with db.session(write=True) as s:
            up = s.get(Upload, report.upload_id)
            if up is not None:
                up.status = "failed"
                up.finished_at = utcnow()
                up.message = f"导入中断：{type(exc).__name__}。已提交的批次保留，重新上传同一文件即可续传。"
    except Exception:
        log.exception("could not mark upload %s as failed", report.upload_id)
