"""Home, sign-in and sign-out, first-run set-up and the demo survey."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from api.web.context import Ctx, page, page_for
from api.web.session import new_session, proof_of_password, proof_of_token
from fuqing.audit import record
from fuqing.auth import add_user, authenticate_password, authenticate_token
from fuqing.errors import AuthError, Forbidden
from fuqing.models import User
from survey.demo import load_demo
from survey.surveys import list_surveys

router = APIRouter(include_in_schema=False)
LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) may be a redirect target after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _user_count(ctx: Ctx) -> int:
    with ctx.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


@router.get("/", response_class=HTMLResponse)
def home(ctx: Ctx = Depends(page)) -> HTMLResponse:
    surveys: list[dict[str, Any]] = []
    if ctx.user is not None and ctx.can("survey:read"):
        with ctx.db.session() as s:
            surveys = list_surveys(s)
    first_run = ctx.user is None and _user_count(ctx) == 0
    local = (ctx.request.client.host if ctx.request.client else "") in LOOPBACK
    return ctx.render("home.html", surveys=surveys, first_run=first_run, local=local)


@router.get("/login", response_class=HTMLResponse)
def login_page(next: str | None = None, ctx: Ctx = Depends(page)) -> HTMLResponse:
    return ctx.render("login.html", next=_safe_next(next), error=None)


@router.post("/login", response_model=None)
def login(
    name: str = Form(""),
    password: str = Form(""),
    token: str = Form(""),
    next: str = Form("/"),
    ctx: Ctx = Depends(page),
) -> HTMLResponse | RedirectResponse:
    try:
        with ctx.db.session() as s:
            if token.strip():
                user = authenticate_token(s, token.strip())
                ctx.session = new_session(user.id, "token", proof_of_token(token.strip()))
            else:
                user = authenticate_password(s, name.strip(), password)
                ctx.session = new_session(user.id, "password", proof_of_password(user))
    except AuthError as exc:
        return ctx.render("login.html", status_code=401, next=_safe_next(next), error=exc)
    with ctx.db.session(write=True) as s:
        record(s, user, "web.login", "user", user.name, method=ctx.session.method)
    ctx.set_session = True  # a new session (and CSRF token) at every sign-in
    return ctx.redirect(_safe_next(next))


@router.post("/logout", response_model=None)
def logout(ctx: Ctx = Depends(page)) -> HTMLResponse | RedirectResponse:
    ctx.session, ctx.set_session = new_session(), True
    return ctx.redirect("/")


@router.post("/setup", response_model=None)
def first_admin(
    request: Request,
    name: str = Form(...),
    password: str = Form(...),
    ctx: Ctx = Depends(page),
) -> HTMLResponse | RedirectResponse:
    """First run only: create the first administrator, from this machine only (nobody else can claim it)."""
    if (request.client.host if request.client else "") not in LOOPBACK:
        raise Forbidden(
            "只能在服务器本机上创建第一个管理员。",
            hint="在服务器上运行 `fuqing user add NAME --role admin`。",
        )
    with ctx.db.session(write=True) as s:
        if int(s.scalar(select(func.count()).select_from(User)) or 0) > 0:
            raise Forbidden("已经有用户了，不能再用首次设置。", hint="请登录；忘记密码请联系管理员。")
        user = add_user(s, name, "admin", password=password)
        record(s, user, "user.add", "user", user.name, role="admin", via="web-setup")
        ctx.session = new_session(user.id, "password", proof_of_password(user))
    ctx.set_session = True
    return ctx.redirect("/")


@router.post("/demo", response_model=None)
def demo(request: Request, ctx: Ctx = Depends(page_for("demo:load"))) -> HTMLResponse | RedirectResponse:
    tagger = request.app.state.tagger.get()
    with ctx.db.session(write=True) as s:
        survey, _created = load_demo(s, tagger, ctx.user, floor=ctx.settings.kappa_floor)
        sid = survey.id
    return ctx.redirect(f"/dashboard?survey_id={sid}")
