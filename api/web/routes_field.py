"""Fieldworker pages: upload a file (inspect, confirm the mapping, import in the background with progress, the
per-row report), enter one response, and the list of uploads."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.uploads import save_upload
from api.web.context import Ctx, page_for
from fuqing.errors import Forbidden, InputError, NotFound
from fuqing.models import Upload, UploadError
from survey.intake import inspect_file
from survey.jobs import ImportJobs
from survey.mapping import ROLES
from survey.surveys import list_surveys

router = APIRouter(include_in_schema=False)
MARITAL = ["未婚", "已婚", "离异", "丧偶"]
CHANNELS = ["入户访谈", "电话访谈", "座谈会", "线上问卷", "其他"]


class Staged:
    """Files inspected but not yet imported, by an unguessable id bound to the uploader."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, Path, str]] = {}
        self.lock = threading.Lock()

    def put(self, uid: int, path: Path, filename: str) -> str:
        key = secrets.token_urlsafe(16)
        with self.lock:
            self.files[key] = (uid, path, filename)
        return key

    def take(self, key: str, uid: int) -> tuple[Path, str]:
        with self.lock:
            item = self.files.get(key)
            if item is None or item[0] != uid or not item[1].exists():
                raise NotFound("找不到待导入的文件（可能已导入或服务已重启）。", hint="请重新选择文件上传。")
            del self.files[key]
        return item[1], item[2]


def _state(request: Request) -> tuple[Staged, ImportJobs]:
    st = request.app.state
    if not hasattr(st, "web_staged"):
        st.web_staged, st.web_jobs = Staged(), ImportJobs()
    return st.web_staged, st.web_jobs


def _surveys(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        return list_surveys(s)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(ctx: Ctx = Depends(page_for("upload:create"))) -> HTMLResponse:
    return ctx.render("upload.html", surveys=_surveys(ctx))


@router.post("/upload/inspect", response_class=HTMLResponse)
async def upload_inspect(
    request: Request, file: UploadFile = File(...), ctx: Ctx = Depends(page_for("upload:create"))
) -> HTMLResponse:
    """Save the file, show what was detected (format, encoding, questions, column mapping) to confirm or change."""
    staged, _jobs = _state(request)
    settings = ctx.settings
    path = await save_upload(file, settings.resolved_home / "tmp" / "web", settings.max_upload_mb)
    try:
        insp = await run_in_threadpool(inspect_file, path, max_mb=settings.max_upload_mb)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    filename = Path(file.filename or "upload").name
    key = staged.put(ctx.user.id, path, filename)  # type: ignore[union-attr]
    choices = [(q["key"], f"{q['key']}：{q['text']}") for q in insp.questions]
    choices += [(h, f"（元数据）{h}") for h in insp.layout.meta.values()]
    current = {role: (v[1:] if v.startswith("@") else v) for role, v in insp.mapping.items()}
    return ctx.render(
        "_inspect.html",
        insp=insp.to_dict(),
        filename=filename,
        staged=key,
        roles=ROLES,
        choices=choices,
        current=current,
        surveys=_surveys(ctx),
    )


@router.post("/upload/start", response_class=HTMLResponse)
async def upload_start(request: Request, ctx: Ctx = Depends(page_for("upload:create"))) -> HTMLResponse:
    form = await request.form()
    staged, jobs = _state(request)
    survey = str(form.get("survey_id") or "")
    title = str(form.get("new_survey_title") or "").strip()
    if survey == "new" and not title:
        raise InputError("请填写新调查的标题。", hint="或在下拉框中选择已有调查。")
    override = {}
    for role in ROLES:
        chosen, guessed = str(form.get(f"map_{role}") or ""), str(form.get(f"guess_{role}") or "")
        if chosen != guessed:
            override[role] = chosen or "-"
    path, filename = staged.take(str(form.get("staged") or ""), ctx.user.id)  # type: ignore[union-attr]
    job = jobs.start(
        ctx.db,
        ctx.settings,
        path,
        user=ctx.user,  # type: ignore[arg-type]
        filename=filename,
        survey_id=int(survey) if survey.isdigit() else None,
        new_survey_title=title if survey == "new" or not survey.isdigit() else None,
        mapping_override=override or None,
        strict=form.get("strict") == "on",
        on_batch=request.app.state.on_batch,
    )
    return ctx.render("_job.html", job=job)


@router.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def upload_job(job_id: str, request: Request, ctx: Ctx = Depends(page_for("upload:create"))) -> HTMLResponse:
    _staged, jobs = _state(request)
    return ctx.render("_job.html", job=jobs.get(job_id, ctx.user.id))  # type: ignore[union-attr]


@router.get("/uploads", response_class=HTMLResponse)
def uploads(ctx: Ctx = Depends(page_for("upload:read_own", "upload:read_all"))) -> HTMLResponse:
    q = select(Upload).order_by(Upload.id.desc()).limit(200)
    if not ctx.can("upload:read_all"):
        q = q.where(Upload.uploader_id == ctx.user.id)  # type: ignore[union-attr]
    with ctx.db.session() as s:
        rows = list(s.scalars(q))
    return ctx.render("uploads.html", uploads=rows, everyone=ctx.can("upload:read_all"))


@router.get("/uploads/{upload_id}", response_class=HTMLResponse)
def upload_detail(
    upload_id: int, ctx: Ctx = Depends(page_for("upload:read_own", "upload:read_all"))
) -> HTMLResponse:
    with ctx.db.session() as s:
        up = s.get(Upload, upload_id)
        if up is None:
            raise NotFound(f"没有编号为 {upload_id} 的上传。", hint="请在上传记录中选择。")
        if not ctx.can("upload:read_all") and up.uploader_id != ctx.user.id:  # type: ignore[union-attr]
            raise Forbidden("只能查看自己上传的文件。", hint="如需查看他人上传，请联系工作人员。")
        errors = list(
            s.scalars(
                select(UploadError).where(UploadError.upload_id == up.id).order_by(UploadError.id).limit(500)
            )
        )
    return ctx.render("upload_detail.html", up=up, errors=errors)


@router.get("/respond", response_class=HTMLResponse)
def respond_page(ctx: Ctx = Depends(page_for("response:create"))) -> HTMLResponse:
    return ctx.render(
        "respond.html", surveys=_surveys(ctx), marital=MARITAL, channels=CHANNELS, saved=None, error=None
    )


@router.post("/respond", response_model=None)
async def respond(
    request: Request, ctx: Ctx = Depends(page_for("response:create"))
) -> HTMLResponse | RedirectResponse:
    form = await request.form()
    survey = str(form.get("survey_id") or "")
    if not survey.isdigit():
        raise InputError("请选择调查。", hint="在“调查”下拉框中选择这份回答属于哪个调查。")
    data = {
        k: (str(form.get(k) or "").strip() or None)
        for k in ("source_id", "text", "county", "township", "village", "age", "marital_status", "channel")
    }

    # The same path as the API's submissions: grouped with those arriving together, then tagged on the queue.
    stored = await request.app.state.submissions.submit(int(survey), data, ctx.user)
    rid, created = stored.id, stored.created
    if ctx.is_htmx or request.headers.get("x-requested-with") == "fetch":
        return ctx.render("_saved.html", rid=rid, created=created)
    return ctx.render(
        "respond.html",
        surveys=_surveys(ctx),
        marital=MARITAL,
        channels=CHANNELS,
        saved={"id": rid, "created": created},
        error=None,
    )
