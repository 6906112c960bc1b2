"""File uploads: inspect (what was detected), import (the per-row report), and listing uploads with errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

import usecases as uc
from api.deps import ApiCtx, Id
from api.uploads import saved_upload
from fuqing.errors import InputError

# One file and a handful of fields per request: a multipart body of a thousand parts is refused while it is parsed.
router = APIRouter(
    prefix="/api/uploads",
    tags=["uploads"],
    form_limits={"max_files": 1, "max_fields": 16, "max_part_size": 1024 * 1024},
)


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


@router.post("/inspect")
async def inspect(
    ctx: ApiCtx, file: UploadFile = File(...), mapping: str | None = Form(None)
) -> dict[str, Any]:
    async with saved_upload(ctx.settings, file) as path:
        insp = await run_in_threadpool(uc.inspect_upload, ctx, path, file.filename or "", _mapping(mapping))
    return insp.to_dict()


@router.post("", status_code=201)
async def upload(
    ctx: ApiCtx,
    file: UploadFile = File(...),
    survey_id: int | None = Form(None),
    new_survey_title: str | None = Form(None),
    mapping: str | None = Form(None),
    strict: bool = Form(False),
) -> dict[str, Any]:
    async with saved_upload(ctx.settings, file) as path:
        report = await run_in_threadpool(
            lambda: uc.import_upload(
                ctx,
                path,
                filename=Path(file.filename or "upload").name,
                survey_id=survey_id,
                new_survey_title=new_survey_title,
                mapping=_mapping(mapping),
                strict=strict,
            )
        )
    return report.to_dict()


@router.get("")
def uploads(ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.list_uploads(ctx)


@router.get("/{upload_id}")
def one_upload(upload_id: Id, ctx: ApiCtx, limit: int = Query(200, ge=1, le=5000)) -> dict[str, Any]:
    return uc.get_upload(ctx, upload_id, limit)
