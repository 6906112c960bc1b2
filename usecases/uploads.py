"""Uploads: a survey export inspected, imported (at once, or in the background with progress) and looked at later.

The visibility rule lives here once: fieldworkers see their own uploads, staff and admins see all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fuqing.errors import Forbidden, NotFound, Unavailable
from fuqing.models import Upload, UploadError
from survey.inspection import Inspection, inspect_file
from survey.intake import UploadReport, import_file
from survey.jobs import ImportJob
from usecases.context import Ctx, use_case

READ = ("upload:read_own", "upload:read_all")


@use_case("upload:create")
def inspect_upload(ctx: Ctx, path: Path, filename: str, mapping: dict[str, Any] | None = None) -> Inspection:
    """What was detected in a file (format, encoding, questions, column mapping), before anything is stored."""
    insp = inspect_file(path, mapping_override=mapping, max_mb=ctx.settings.max_upload_mb)
    insp.filename = Path(filename).name
    return insp


@use_case("upload:create")
def import_upload(
    ctx: Ctx,
    path: Path,
    *,
    filename: str,
    survey_id: int | None = None,
    new_survey_title: str | None = None,
    mapping: dict[str, Any] | None = None,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> UploadReport:
    """Import a file into a survey: rows stored in committed batches, each batch tagged in its transaction."""
    _check_survey_rights(ctx, path, survey_id, new_survey_title, mapping)
    return import_file(
        ctx.db,
        ctx.settings,
        path,
        survey_id=survey_id,
        new_survey_title=new_survey_title,
        mapping_override=mapping,
        strict=strict,
        actor=ctx.actor,
        progress=progress,
        on_batch=ctx.services.tag_batch,
        display_name=Path(filename).name,
    )


@use_case("upload:create")
def stage_upload(ctx: Ctx, path: Path, filename: str) -> tuple[str, Inspection]:
    """Inspect a file and keep it for the confirm step; returns the key that :func:`start_import` takes."""
    staged = _need(ctx.services.staged)
    try:
        insp = inspect_upload(ctx, path, filename)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return staged.put(ctx.actor.user_id, path, insp.filename), insp


@use_case("upload:create")
def start_import(
    ctx: Ctx,
    key: str,
    *,
    survey_id: int | None = None,
    new_survey_title: str | None = None,
    mapping: dict[str, Any] | None = None,
    strict: bool = False,
) -> ImportJob:
    """Import a staged file in the background; the job reports progress to :func:`import_progress`."""
    path, filename = _need(ctx.services.staged).take(key, ctx.actor.user_id)
    try:
        _check_survey_rights(ctx, path, survey_id, new_survey_title, mapping)  # now, not in the background
    except Forbidden:
        path.unlink(missing_ok=True)
        raise

    def work(progress: Callable[[int], None]) -> UploadReport:
        return import_upload(
            ctx,
            path,
            filename=filename,
            survey_id=survey_id,
            new_survey_title=new_survey_title,
            mapping=mapping,
            strict=strict,
            progress=progress,
        )

    return _need(ctx.services.imports).start(work, owner_id=ctx.actor.user_id, filename=filename, path=path)


def _check_survey_rights(
    ctx: Ctx, path: Path, survey_id: int | None, new_survey_title: str | None, mapping: dict[str, Any] | None
) -> None:
    """An upload may create a survey only for whoever may create surveys, and may change how an existing
    survey's columns are read (the question mapping or the privacy class of a column: making a name column
    "analytic" would store names with the answers) only for whoever may edit surveys. Uploading into an existing
    survey with what was detected is every uploader's right."""
    if new_survey_title is not None and not ctx.actor.can("survey:create"):
        raise Forbidden(
            f"您的角色（{ctx.actor.role_name}）不能新建调查。",
            hint="请选择一个已有的调查上传；需要新调查时请联系工作人员创建。",
            details={"needs": ["survey:create"]},
        )
    if mapping and survey_id is not None and not ctx.actor.can("survey:edit"):
        detected = inspect_file(path, max_mb=ctx.settings.max_upload_mb)
        chosen = inspect_file(path, mapping_override=mapping, max_mb=ctx.settings.max_upload_mb)
        if (detected.mapping, _class_of(detected)) != (chosen.mapping, _class_of(chosen)):
            raise Forbidden(
                f"您的角色（{ctx.actor.role_name}）不能更改调查的列对应关系或隐私分类。",
                hint="请按自动识别的结果上传；如识别有误，请联系工作人员调整。",
                details={"needs": ["survey:edit"]},
            )


def _class_of(insp: Inspection) -> dict[str, str]:
    return {key: c["class"] for key, c in insp.classes.items()}


@use_case("upload:create")
def import_progress(ctx: Ctx, job_id: str) -> ImportJob:
    """A background import of this user's (another user's job is "not found", not "forbidden")."""
    return _need(ctx.services.imports).get(job_id, ctx.actor.user_id)


@use_case(*READ)
def list_uploads(ctx: Ctx, limit: int = 200) -> list[dict[str, Any]]:
    """The newest uploads this user may see."""
    q = select(Upload).order_by(Upload.id.desc()).limit(limit)
    if not ctx.actor.can("upload:read_all"):
        q = q.where(Upload.uploader_id == ctx.actor.user_id)
    with ctx.db.session() as s:
        return [upload_view(u) for u in s.scalars(q)]


@use_case(*READ)
def get_upload(ctx: Ctx, upload_id: int, limit: int = 200) -> dict[str, Any]:
    """One upload with its row errors (the first ``limit``)."""
    with ctx.db.session() as s:
        up = _visible(ctx, s, upload_id)
        errors = s.scalars(
            select(UploadError).where(UploadError.upload_id == up.id).order_by(UploadError.id).limit(limit)
        )
        return {
            **upload_view(up),
            "errors": [
                {"row": e.row, "column": e.column, "kind": e.kind, "reason": e.reason} for e in errors
            ],
        }


def _visible(ctx: Ctx, session: Session, upload_id: int) -> Upload:
    up = session.get(Upload, upload_id)
    if up is None:
        raise NotFound(f"没有编号为 {upload_id} 的上传。", hint="请在上传记录中查看。")
    if not ctx.actor.can("upload:read_all") and up.uploader_id != ctx.actor.user_id:
        raise Forbidden("只能查看自己上传的文件。", hint="如需查看他人上传，请联系工作人员。")
    return up


def upload_view(up: Upload) -> dict[str, Any]:
    return {
        "id": up.id,
        "survey_id": up.survey_id,
        "filename": up.filename,
        "format": up.fmt,
        "encoding": up.encoding,
        "status": up.status,
        "strict": up.strict,
        "rows_total": up.rows_total,
        "rows_ok": up.rows_ok,
        "rows_failed": up.rows_failed,
        "rows_duplicate": up.rows_duplicate,
        "rows_flagged": up.rows_flagged,
        "message": up.message,
        "uploader_id": up.uploader_id,
        "started_at": up.started_at,
        "finished_at": up.finished_at,
    }


def _need(part: Any) -> Any:
    if part is None:
        raise Unavailable("后台导入只在服务中可用。", hint="请在网页上上传，或直接导入文件。")
    return part
