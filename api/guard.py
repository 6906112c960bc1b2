"""The gate in front of every route: size limits while the body streams, authentication from the headers before
the body is read, and the security headers on every response.

A route's own checks come too late for a hostile request: FastAPI reads and spools a multipart body before it
solves the route's dependencies, so a 400 MB body without a token used to be read in full before the 401. This
ASGI middleware runs first. It refuses a declared ``Content-Length`` over the route's limit at once and counts the
bytes of a body that declares none, cutting it off at the limit (413); for the JSON API it resolves the bearer
token from the headers (401 before a byte of the body is read) and leaves the caller in the request state, where
:func:`api.deps.api_ctx` takes it instead of looking it up again; a web POST without a session cookie is sent to
sign in the same way. Headers: a Content-Security-Policy without inline script (the API documentation page, whose
Swagger UI needs its one inline script, gets its own), ``frame-ancestors 'none'``, ``nosniff`` and a same-origin
referrer policy.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.deps import bearer_of, token_actor
from api.errors import error_body
from fuqing.errors import AuthError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_LIMIT = 1024 * 1024
_UPLOAD_PATHS = ("/api/uploads", "/uploads/inspect")
_OPEN_API = ("/api/health",)
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_CSP_DOCS = _CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class TooLarge(BaseException):
    """The body went past the route's limit while streaming. A BaseException, so that no handler on the way
    (FastAPI turns any Exception while reading a form into a 400) swallows it before it reaches the gate."""


class Guard:
    """See the module docstring; ``services`` is the app's typed state (for the limits and the token lookup)."""

    def __init__(self, app: ASGIApp, services: Any) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        path: str = scope["path"]
        method: str = scope["method"]
        limit = self._limit(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _reply(send, 413, "file_too_large", _too_large_message(limit))
            return
        if path.startswith("/api/") and path not in _OPEN_API:
            refused = await self._authenticate(scope)
            if refused:
                await _reply(send, 401, "unauthorized", refused, {"WWW-Authenticate": "Bearer"})
                return
        elif method == "POST" and path in _UPLOAD_PATHS and not _has_cookie(scope, b"fuqing_session"):
            await _reply(send, 401, "unauthorized", "请先登录。")
            return
        try:
            await self.app(scope, _counting(receive, limit), send)
        except TooLarge:
            await _reply(send, 413, "file_too_large", _too_large_message(limit))

    def _limit(self, path: str) -> int:
        if path.startswith(_UPLOAD_PATHS):
            return (
                int(self.services.settings.max_upload_mb * 1024 * 1024) + 64 * 1024
            )  # the file and its form
        return JSON_LIMIT

    async def _authenticate(self, scope: Scope) -> str | None:
        """The caller from the bearer token, left in the request state; the reason when there is none."""
        header = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"authorization"), "")
        try:
            actor = await token_actor(self.services, bearer_of(header))
        except AuthError as exc:
            return exc.message
        scope.setdefault("state", {})["actor"] = actor
        return None

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        csp = (_CSP_DOCS if scope["path"] == "/docs" else _CSP).encode()

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", csp))
                message["headers"] = headers
            await send(message)

        return wrapped


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
        return message

    return wrapped


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _has_cookie(scope: Scope, name: bytes) -> bool:
    return any(key == b"cookie" and name + b"=" in value for key, value in scope.get("headers", []))


def _too_large_message(limit: int) -> str:
    return f"请求内容超过上限（{limit / 1024 / 1024:.0f} MB），未读取。"


async def _reply(
    send: Send, status: int, code: str, message: str, extra: dict[str, str] | None = None
) -> None:
    hint = {
        401: "请在请求头 Authorization: Bearer 后附上有效的令牌；令牌由管理员发放。",
        413: "请拆分后分批上传，或请管理员调大上传大小上限（FUQING_MAX_UPLOAD_MB）。",
    }.get(status)
    body = json.dumps(error_body(code, message, hint), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
