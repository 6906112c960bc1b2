"""What every page handler gets: the signed-in user (checked server-side for each page's permission), the
session with its CSRF token, and one ``render`` that turns a Jinja2 template into a response.

Templates are rendered with autoescaping on: any text a user or a respondent wrote is shown as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web.session import COOKIE, WebSession, check_csrf, decode, new_session, session_user, set_cookie
from fuqing.auth import PERMISSIONS, ROLE_NAMES, Role, can
from fuqing.config import Settings
from fuqing.db import Database
from fuqing.errors import Forbidden
from fuqing.models import User

TEMPLATES = Path(__file__).parent / "templates"
env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# (path, label, any of these permissions) in menu order; the menu shows what the role may open.
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("/", "首页", ()),
    ("/upload", "上传文件", ("upload:create",)),
    ("/respond", "录入回答", ("response:create",)),
    ("/uploads", "上传记录", ("upload:read_own", "upload:read_all")),
    ("/dashboard", "数据看板", ("summary:read",)),
    ("/ask", "提问", ("summary:read",)),
    ("/summary", "调研发现", ("summary:read",)),
    ("/review", "标签审核", ("review:write",)),
    ("/evals", "评测", ("eval:read",)),
    ("/admin/users", "用户与令牌", ("user:manage",)),
    ("/admin/audit", "审计日志", ("audit:read",)),
]


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user; answered with a redirect to the sign-in page."""


@dataclass
class Ctx:
    request: Request
    settings: Settings
    db: Database
    session: WebSession
    user: User | None
    set_session: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return self.session.csrf

    def can(self, permission: str) -> bool:
        return self.user is not None and can(self.user, permission)

    def nav(self) -> list[tuple[str, str]]:
        return [(p, label) for p, label, perms in NAV if not perms or any(self.can(x) for x in perms)]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[Role(self.user.role)] if self.user else ""

    @property
    def index(self) -> Any:
        """The process's summary index (see survey/summary_index.py), passed to summarize like the API does.
        Pages that count labels take it, so they first wait for queued submissions to be tagged."""
        self.request.app.state.tag_queue.settle()
        return self.request.app.state.summary_index

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(template).render(ctx=self, user=self.user, csrf=self.csrf, **values)
        response = HTMLResponse(html, status_code=status_code, headers=self.extra_headers or None)
        self.finish(response)
        return response

    def redirect(self, url: str) -> HTMLResponse | RedirectResponse:
        """After a POST: a 303 for a plain form, an HX-Redirect for htmx."""
        response: HTMLResponse | RedirectResponse
        if self.is_htmx:
            response = HTMLResponse("", headers={"HX-Redirect": url})
        else:
            response = RedirectResponse(url, status_code=303)
        self.finish(response)
        return response

    def finish(self, response: Any) -> None:
        if self.set_session:
            set_cookie(response, self.request, self.settings, self.session)


async def _base(request: Request) -> Ctx:
    """Read the session cookie (or start an anonymous one) and the user it names, on the event loop."""
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    s = decode(settings, request.cookies.get(COOKIE))
    fresh = s is None
    if s is None:
        s = new_session()
    user = None
    if s.uid is not None:
        with db.session() as dbs:
            user = session_user(dbs, s)
        if user is None:  # credential revoked or user deactivated: start over as anonymous
            s, fresh = new_session(), True
    ctx = Ctx(request, settings, db, s, user, set_session=fresh)
    request.state.web = ctx
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await check_csrf(request, None if fresh else s)
    return ctx


async def page(ctx: Ctx = Depends(_base)) -> Ctx:
    """Any visitor (the sign-in and home pages)."""
    return ctx


def page_for(*permissions: str) -> Callable[..., Any]:
    """A page for signed-in users holding any one of ``permissions`` (checked here, server-side, every request)."""

    async def _check(ctx: Ctx = Depends(_base)) -> Ctx:
        if ctx.user is None:
            raise LoginRequired()
        if permissions and not any(ctx.can(p) for p in permissions):
            mine = sorted(PERMISSIONS[Role(ctx.user.role)])
            raise Forbidden(
                f"您的角色（{ctx.role_name}）不能打开这个页面。",
                hint="如需此功能，请联系管理员调整角色。",
                details={"needs": list(permissions), "yours": mine},
            )
        return ctx

    return _check


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")
