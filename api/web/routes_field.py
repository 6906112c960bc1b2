"""Fieldworker pages: upload a file (inspect, confirm the mapping, import in the background with progress, the
per-row report), enter one response, and the list of uploads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

import usecases as uc
from api.deps import Id
from api.uploads import save_upload, upload_dir
from api.web.context import Page, RespondPage, UploadPage, UploadsPage
from fuqing.errors import InputError
from survey.inspection import Inspection
from survey.mapping import ROLES
from survey.privacy import FieldClass

CLASS_LABELS = {
    FieldClass.identifying: "身份信息（加密单独保存）",
    FieldClass.quasi: "间接识别信息",
    FieldClass.analytic: "调查内容",
}

router = APIRouter(include_in_schema=False)
MARITAL = ["未婚", "已婚", "离异", "丧偶"]
CHANNELS = ["入户访谈", "电话访谈", "座谈会", "线上问卷", "其他"]
FORM_FIELDS = ("source_id", "text", "county", "township", "village", "age", "marital_status", "channel")


@router.get("/uploads/new", response_class=HTMLResponse)
def upload_page(page: UploadPage) -> HTMLResponse:
    return page.render("upload_new.html", surveys=uc.list_surveys(page.uc))


@router.post("/uploads/inspect", response_class=HTMLResponse)
async def upload_inspect(page: UploadPage, file: UploadFile = File(...)) -> HTMLResponse:
    """Save the file, show what was detected (format, encoding, questions, column mapping) to confirm or change."""
    path = await save_upload(file, upload_dir(page.settings) / "web", page.settings.max_upload_mb)
    key, insp = await run_in_threadpool(uc.stage_upload, page.uc, path, file.filename or "upload")
    return page.render(
        "_inspect.html", staged=key, surveys=uc.list_surveys(page.uc), **_mapping_choices(insp)
    )


def _mapping_choices(insp: Inspection) -> dict[str, Any]:
    choices = [(q["key"], f"{q['key']}：{q['text']}") for q in insp.questions]
    choices += [(h, f"（元数据）{h}") for h in insp.layout.meta.values()]
    current = {role: (v[1:] if v.startswith("@") else v) for role, v in insp.mapping.items()}
    return {
        "insp": insp.to_dict(),
        "filename": insp.filename,
        "roles": ROLES,
        "choices": choices,
        "current": current,
    }


@router.post("/uploads/start", response_class=HTMLResponse)
async def upload_start(request: Request, page: UploadPage) -> HTMLResponse:
    form = await request.form()
    survey = str(form.get("survey_id") or "")
    title = str(form.get("new_survey_title") or "").strip()
    if survey == "new" and not title:
        raise InputError("请填写新调查的标题。", hint="或在下拉框中选择已有调查。")
    job = uc.start_import(
        page.uc,
        str(form.get("staged") or ""),
        survey_id=int(survey) if survey.isdigit() else None,
        new_survey_title=title if survey == "new" or not survey.isdigit() else None,
        mapping=_mapping_override(form),
        strict=form.get("strict") == "on",
    )
    return page.render("_job.html", job=job)


def _mapping_override(form: FormData) -> dict[str, Any] | None:
    """The roles whose column the person changed from the guess ("-" switches a guessed role off), and the columns
    whose class (identifying, quasi, analytic) they changed."""
    override: dict[str, Any] = {}
    for role in ROLES:
        if f"map_{role}" not in form:  # a locked (disabled) select is not sent: the guess stands
            continue
        chosen, guessed = str(form.get(f"map_{role}") or ""), str(form.get(f"guess_{role}") or "")
        if chosen != guessed:
            override[role] = chosen or "-"
    privacy = {
        name.removeprefix("privacy_"): str(value)
        for name, value in form.items()
        if name.startswith("privacy_") and str(value) != str(form.get(f"guess_{name}") or "")
    }
    if privacy:
        override["privacy"] = privacy
    return override or None


@router.get("/uploads/jobs/{job_id}", response_class=HTMLResponse)
def upload_job(job_id: str, page: UploadPage) -> HTMLResponse:
    return page.render("_job.html", job=uc.import_progress(page.uc, job_id))


@router.get("/uploads", response_class=HTMLResponse)
def uploads(page: UploadsPage) -> HTMLResponse:
    return page.render("uploads.html", uploads=uc.list_uploads(page.uc), everyone=page.can("upload:read_all"))


@router.get("/uploads/{upload_id}", response_class=HTMLResponse)
def upload_detail(upload_id: Id, page: UploadsPage) -> HTMLResponse:
    up = uc.get_upload(page.uc, upload_id, 500)
    return page.render("upload_detail.html", up=up, errors=up["errors"])


def _respond_form(page: Page, saved: dict[str, Any] | None = None) -> HTMLResponse:
    values = {"marital": MARITAL, "channels": CHANNELS, "saved": saved, "error": None}
    return page.render("response_new.html", surveys=uc.list_surveys(page.uc), **values)


@router.get("/responses/new", response_class=HTMLResponse)
def respond_page(page: RespondPage) -> HTMLResponse:
    return _respond_form(page)


@router.post("/responses", response_model=None)
async def respond(request: Request, page: RespondPage) -> HTMLResponse | RedirectResponse:
    form = await request.form()
    survey = str(form.get("survey_id") or "")
    if not survey.isdigit():
        raise InputError("请选择调查。", hint="在“调查”下拉框中选择这份回答属于哪个调查。")
    data: dict[str, Any] = {k: (str(form.get(k) or "").strip() or None) for k in FORM_FIELDS}
    data["contact"] = {k: str(form.get(f"contact_{k}") or "").strip() for k in ("name", "phone", "address")}
    stored = await uc.submit_response(page.uc, int(survey), data)
    if page.is_partial:
        return page.render("_saved.html", rid=stored.id, created=stored.created)
    return _respond_form(page, {"id": stored.id, "created": stored.created})
