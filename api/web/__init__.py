"""The web pages (Chinese, server-rendered): Jinja2 templates, htmx for partial updates, ECharts for charts.

``install_web(app)`` adds the page routes, the static files (vendored JavaScript, no CDN) and error pages for
page requests; /api keeps its JSON errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from fuqing.errors import FuqingError

STATIC = Path(__file__).parent / "static"
_NOT_PAGES = ("/api", "/docs", "/openapi.json", "/static/")


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(_NOT_PAGES)


def _error_page(request: Request, status: int, message: str, hint: str | None) -> HTMLResponse:
    from api.web.context import Ctx, env

    ctx: Ctx | None = getattr(request.state, "web", None)
    partial = (
        request.headers.get("hx-request") == "true" or request.headers.get("x-requested-with") == "fetch"
    )
    if ctx is not None:
        template = "_error.html" if partial else "error.html"
        return ctx.render(template, status_code=status, message=message, hint=hint, status=status)
    html = env.get_template("error.html").render(
        ctx=None, user=None, csrf="", message=message, hint=hint, status=status
    )
    return HTMLResponse(html, status_code=status)


def install_web(app: FastAPI) -> None:
    from api.web import (
        routes_admin,
        routes_cases,
        routes_field,
        routes_home,
        routes_legacy,
        routes_research,
        routes_staff,
    )
    from api.web.context import LoginRequired, login_url

    app.mount("/static/web", StaticFiles(directory=STATIC), name="web-static")
    for module in (
        routes_home,
        routes_field,
        routes_staff,
        routes_cases,
        routes_research,
        routes_admin,
        routes_legacy,
    ):
        app.include_router(module.router)

    api_fuqing = app.exception_handlers.get(FuqingError)
    api_validation = app.exception_handlers.get(RequestValidationError)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Any:
        url = login_url(request)
        if request.headers.get("hx-request") == "true":
            return HTMLResponse("", headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)

    @app.exception_handler(FuqingError)
    async def _fuqing(request: Request, exc: FuqingError) -> Any:
        if _is_page(request):
            return _error_page(request, exc.http_status, exc.message, exc.hint)
        return await api_fuqing(request, exc)  # type: ignore[misc]

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Any:
        if _is_page(request):
            names = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors()[:5])
            return _error_page(request, 422, f"表单内容不完整或有误：{names}。", "请检查后重新提交。")
        return await api_validation(request, exc)  # type: ignore[misc]
