"""Home, sign-in and sign-out, first-run set-up and the demo survey."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

import usecases as uc
from api.web.context import AnyPage, DemoPage, Page
from api.web.session import new_session
from fuqing.errors import AuthError

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) may be a redirect target after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _signed_in(page: Page, signed: uc.SignIn) -> None:
    """A new session (and CSRF token) at every sign-in."""
    page.session = new_session(signed.actor.user_id, signed.method, signed.proof, signed.sid)
    page.set_session = True


@router.get("/", response_class=HTMLResponse)
def home(page: AnyPage) -> HTMLResponse:
    surveys: list[dict[str, Any]] = uc.list_surveys(page.uc) if page.can("survey:read") else []
    first_run = page.actor is None and uc.needs_first_admin(page.services)
    cases = uc.list_cases(page.uc, "new") if page.can("case:read") else []
    return page.render("home.html", surveys=surveys, first_run=first_run, cases=cases)


@router.get("/login", response_class=HTMLResponse)
def login_page(page: AnyPage, next: str | None = None) -> HTMLResponse:
    return page.render("login.html", next=_safe_next(next), error=None)


@router.post("/login", response_model=None)
def login(
    page: AnyPage,
    name: str = Form(""),
    password: str = Form(""),
    token: str = Form(""),
    next: str = Form("/"),
) -> HTMLResponse | RedirectResponse:
    try:
        signed = uc.sign_in(page.services, name=name, password=password, token=token, address=_address(page))
    except AuthError as exc:
        return page.render("login.html", status_code=401, next=_safe_next(next), error=exc)
    _signed_in(page, signed)
    return page.redirect(_safe_next(next))


@router.post("/logout", response_model=None)
def logout(page: AnyPage) -> HTMLResponse | RedirectResponse:
    uc.end_session(page.services, page.session.sid)
    page.session, page.set_session = new_session(), True
    # The browser forgets what this site stored (unsent drafts of answers) as well as the session.
    response = page.redirect("/")
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@router.post("/setup", response_model=None)
def first_admin(
    page: AnyPage, name: str = Form(...), password: str = Form(...), code: str = Form("")
) -> HTMLResponse | RedirectResponse:
    """First run only: create the first administrator, for whoever knows the set-up code printed by the server."""
    _signed_in(page, uc.create_first_admin(page.services, name, password, code))
    return page.redirect("/")


def _address(page: Page) -> str:
    """The direct peer (a forwarded-for header is not trusted: anyone can write one)."""
    return page.request.client.host if page.request.client else ""


@router.post("/demo", response_model=None)
def demo(page: DemoPage) -> HTMLResponse | RedirectResponse:
    sid = uc.load_demo(page.uc)
    return page.redirect(f"/summaries?survey_id={sid}")
