"""Sending a generated report and removing it once sent: nothing generated from the answers stays on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from findings.reports import MEDIA


def report_response(path: Path, fmt: str, filename: str | None = None) -> FileResponse:
    """The file as a download; its private temporary folder is deleted after the response is sent."""
    return FileResponse(
        path,
        media_type=MEDIA[fmt],
        filename=filename or f"fuqing-report.{fmt}",
        background=BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True),
    )
