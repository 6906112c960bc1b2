"""File uploads: inspect (what was detected), import (the per-row report), and listing uploads with errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import database_of, get_session, needs, needs_any
from api.uploads import save_upload
from fuqing.auth import can
from fuqing.errors import Forbidden, InputError, NotFound
from fuqing.models import Upload, UploadError, User
from survey.intake import import_file, inspect_file

router = APIRouter(prefix="/api/uploads", tags=["uploads"])


def _mapping(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"mapping 不是合法的 JSON：{exc.msg}。", hint='例如 {"needs_text": "9、您最需要哪些帮助"}'
        ) from exc
    if not isinstance(data, dict):
        raise InputError("mapping 应是“角色: 列名”的对象。", hint='例如 {"county": "所在县区"}')
    return data


def _tmp_dir(request: Request) -> Path:
    return request.app.state.settings.resolved_home / "tmp"


@router.post("/inspect")
async def inspect(
    request: Request,
    file: UploadFile = File(...),
    mapping: str | None = Form(None),
    user: User = Depends(needs("upload:create")),
) -> dict[str, Any]:
    settings = request.app.state.settings
    path = await save_upload(file, _tmp_dir(request), settings.max_upload_mb)
    try:
        insp = inspect_file(path, mapping_override=_mapping(mapping), max_mb=settings.max_upload_mb)
        out = insp.to_dict()
        out["filename"] = Path(file.filename or "").name
        return out
    finally:
        path.unlink(missing_ok=True)


@router.post("", status_code=201)
async def upload(
    request: Request,
    file: UploadFile = File(...),
    survey_id: int | None = Form(None),
    new_survey_title: str | None = Form(None),
    mapping: str | None = Form(None),
    strict: bool = Form(False),
    user: User = Depends(needs("upload:create")),
) -> dict[str, Any]:
    settings = request.app.state.settings
    path = await save_upload(file, _tmp_dir(request), settings.max_upload_mb)
    try:
        report = await run_in_threadpool(
            import_file,
            database_of(request),
            settings,
            path,
            survey_id=survey_id,
            new_survey_title=new_survey_title,
            mapping_override=_mapping(mapping),
            strict=strict,
            user=user,
            display_name=Path(file.filename or "upload").name,
            on_batch=request.app.state.on_batch,
        )
        return report.to_dict()
    finally:
        path.unlink(missing_ok=True)


def _visible(session: Session, user: User, upload_id: int) -> Upload:
    up = session.get(Upload, upload_id)
    if up is None:
        raise NotFound(f"没有编号为 {upload_id} 的上传。", hint="请在上传列表中查看。")
    if not can(user, "upload:read_all") and up.uploader_id != user.id:
        raise Forbidden("只能查看自己上传的文件。", hint="如需查看他人上传，请联系工作人员。")
    return up


def _upload_view(up: Upload) -> dict[str, Any]:
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


@router.get("")
def uploads(
    user: User = Depends(needs_any("upload:read_own", "upload:read_all")),
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    q = select(Upload).order_by(Upload.id.desc()).limit(200)
    if not can(user, "upload:read_all"):
        q = q.where(Upload.uploader_id == user.id)
    return [_upload_view(u) for u in session.scalars(q)]


@router.get("/{upload_id}")
def one_upload(
    upload_id: int,
    limit: int = Query(200, ge=1, le=5000),
    user: User = Depends(needs_any("upload:read_own", "upload:read_all")),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    up = _visible(session, user, upload_id)
    errors = session.scalars(
        select(UploadError).where(UploadError.upload_id == up.id).order_by(UploadError.id).limit(limit)
    )
    return {
        **_upload_view(up),
        "errors": [{"row": e.row, "column": e.column, "kind": e.kind, "reason": e.reason} for e in errors],
    }
