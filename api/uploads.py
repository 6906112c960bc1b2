"""Receiving an uploaded file onto disk without ever holding more than the size limit (then 413)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import UploadFile

from fuqing.config import Settings
from fuqing.errors import FileTooLarge, InputError
from survey.tables import SUPPORTED


def upload_dir(settings: Settings) -> Path:
    return settings.resolved_home / "tmp"


async def save_upload(upload: UploadFile, directory: Path, max_mb: float) -> Path:
    name = Path(upload.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：{name}", hint="支持 .xlsx、.xls、.csv、.jsonl。"
        )
    directory.mkdir(parents=True, exist_ok=True)
    limit = int(max_mb * 1024 * 1024)
    fd, tmp = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=directory)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise FileTooLarge(
                        f"文件 {name} 超过上限 {max_mb:g} MB。",
                        hint="请拆分后分批上传，或请管理员调大上传大小上限。",
                    )
                out.write(chunk)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


@asynccontextmanager
async def saved_upload(settings: Settings, upload: UploadFile) -> AsyncIterator[Path]:
    """The upload on disk for the duration of the block, removed afterwards whatever happens."""
    path = await save_upload(upload, upload_dir(settings), settings.max_upload_mb)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
