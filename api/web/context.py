"""What every page handler gets: a :class:`Page` with the signed-in actor (checked server-side for each page), the
session with its CSRF token, the use-case context, and one ``render`` that turns a Jinja2 template into a response.

Templates are rendered with autoescaping on: any text a user or a respondent wrote is shown as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

import usecases as uc
from api.deps import services_of
from api.web.session import COOKIE, WebSession, check_csrf, decode, new_session, set_cookie
from fuqing.actors import Actor
from fuqing.config import Settings
from fuqing.errors import Forbidden
from usecases import Ctx, Services, allowed

TEMPLATES = Path(__file__).parent / "templates"
env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

CHINA_TIME = timezone(timedelta(hours=8), "北京时间")


def localtime(value: datetime | None) -> str:
    """A stored time as a cadre reads it: Beijing time, to the minute (stored times are UTC; SQLite drops the
    zone, so a naive time is taken as UTC)."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


env.filters["localtime"] = localtime

# (path, label, any of these permissions) in menu order; the menu shows what the role may open.
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("/", "首页", ()),
    ("/uploads/new", "上传文件", ("upload:create",)),
    ("/responses/new", "录入回答", ("response:create",)),
    ("/uploads", "上传记录", ("upload:read_own", "upload:read_all")),
    ("/cases", "跟进个案", ("case:read",)),
    ("/summaries", "统计汇总", ("summary:read",)),
    ("/ask", "提问", ("summary:read",)),
    ("/drafts", "调研发现", ("summary:read",)),
    ("/review", "标签审核", ("review:write",)),
    ("/evals", "评测", ("eval:read",)),
    ("/admin/users", "用户与令牌", ("user:manage",)),
    ("/admin/audit", "审计日志", ("audit:read",)),
]


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user; answered with a redirect to the sign-in page."""


@dataclass
class Page:
    request: Request
    services: Services
    session: WebSession
    actor: Actor | None
    set_session: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def uc(self) -> Ctx:
        """The use-case context of the signed-in user (pages that need one are behind :func:`page_for`)."""
        if self.actor is None:
            raise LoginRequired()
        return Ctx(self.services, self.actor)

    @property
    def csrf(self) -> str:
        return self.session.csrf

    def can(self, permission: str) -> bool:
        return self.actor is not None and self.actor.can(permission)

    def may(self, use_case: Callable[..., Any]) -> bool:
        """Whether to offer the action that calls ``use_case`` (the use case checks again when called)."""
        return self.actor is not None and allowed(self.actor, use_case)

    def nav(self) -> list[tuple[str, str]]:
        return [(p, label) for p, label, perms in NAV if not perms or any(self.can(x) for x in perms)]

    @property
    def role_name(self) -> str:
        return self.actor.role_name if self.actor else ""

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    @property
    def is_partial(self) -> bool:
        return self.is_htmx or self.request.headers.get("x-requested-with") == "fetch"

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(template).render(ctx=self, user=self.actor, csrf=self.csrf, **values)
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


async def _base(request: Request) -> Page:
    """Read the session cookie (or start an anonymous one) and the user it names, on the event loop."""
    services = services_of(request)
    s = decode(services.settings, request.cookies.get(COOKIE))
    fresh = s is None
    if s is None:
        s = new_session()
    actor = None
    if s.uid is not None:
        actor = uc.resume(services, s.uid, s.method, s.proof, s.sid)
        if actor is None:  # credential revoked or user deactivated: start over as anonymous
            s, fresh = new_session(), True
    page = Page(request, services, s, actor, set_session=fresh)
    request.state.web = page
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await check_csrf(request, None if fresh else s)
    return page


async def _anyone(page: Page = Depends(_base)) -> Page:
    return page


AnyPage = Annotated[Page, Depends(_anyone)]


def page_for(*permissions: str) -> Callable[..., Any]:
    """A page for signed-in users holding any one of ``permissions`` (checked here, server-side, every request;
    the use case the page calls checks again)."""

    async def _check(page: Page = Depends(_base)) -> Page:
        if page.actor is None:
            raise LoginRequired()
        if permissions and not any(page.actor.can(p) for p in permissions):
            raise Forbidden(
                f"您的角色（{page.actor.role_name}）不能打开这个页面。",
                hint="如需此功能，请联系管理员调整角色。",
                details={"needs": list(permissions)},
            )
        return page

    return _check


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


# One alias per kind of page, named for what it lets the user do.
UploadPage = Annotated[Page, Depends(page_for("upload:create"))]
RespondPage = Annotated[Page, Depends(page_for("response:create"))]
UploadsPage = Annotated[Page, Depends(page_for("upload:read_own", "upload:read_all"))]
StaffPage = Annotated[Page, Depends(page_for("summary:read"))]
ReportPage = Annotated[Page, Depends(page_for("report:read"))]
ReviewPage = Annotated[Page, Depends(page_for("review:write"))]
CorpusPage = Annotated[Page, Depends(page_for("corpus:read"))]
EvalPage = Annotated[Page, Depends(page_for("eval:read"))]
UsersPage = Annotated[Page, Depends(page_for("user:manage"))]
AuditPage = Annotated[Page, Depends(page_for("audit:read"))]
DemoPage = Annotated[Page, Depends(page_for("demo:load"))]
CasePage = Annotated[Page, Depends(page_for("case:read"))]
ReferralPage = Annotated[Page, Depends(page_for("referral:manage"))]
