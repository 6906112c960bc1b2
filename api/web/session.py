"""Signed session cookies and CSRF tokens for the web pages.

The cookie holds a small JSON payload signed with HMAC-SHA256 under the installation key (fuqing/secret.py): the
user id, how they signed in, a fingerprint of that credential, the CSRF token and the expiry. Revoking the token
or changing the password therefore ends the session at the next request. The cookie is HttpOnly and
SameSite=Lax; every POST must also carry the CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response

from fuqing.config import Settings
from fuqing.errors import Forbidden
from fuqing.secret import install_key
from usecases.sessions import SESSION_S

COOKIE = "fuqing_session"
MAX_AGE_S = SESSION_S  # the cookie lives as long as the server-side session (usecases/sessions.py)
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass
class WebSession:
    csrf: str
    uid: int | None = None
    method: str | None = None  # token | password
    proof: str | None = None  # fingerprint of the credential used
    exp: float = 0.0
    sid: str | None = None  # the server-side session (usecases/sessions.py): sign-out ends it for every copy

    def to_dict(self) -> dict[str, Any]:
        return {
            "csrf": self.csrf,
            "uid": self.uid,
            "m": self.method,
            "p": self.proof,
            "exp": self.exp,
            "s": self.sid,
        }


def _key(settings: Settings) -> bytes:
    return hmac.new(install_key(settings), b"fuqing web session", hashlib.sha256).digest()


def _sign(key: bytes, body: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode().rstrip("=")


def encode(settings: Settings, s: WebSession) -> str:
    body = base64.urlsafe_b64encode(json.dumps(s.to_dict(), separators=(",", ":")).encode()).decode()
    return f"{body}.{_sign(_key(settings), body.encode())}"


def decode(settings: Settings, value: str | None) -> WebSession | None:
    """The session in a cookie, or None when it is missing, tampered with or expired."""
    if not value or "." not in value:
        return None
    body, sig = value.rsplit(".", 1)
    if not hmac.compare_digest(sig, _sign(_key(settings), body.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        s = WebSession(
            data["csrf"],
            data.get("uid"),
            data.get("m"),
            data.get("p"),
            float(data.get("exp", 0)),
            data.get("s"),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return s if s.exp > time.time() else None


def new_session(
    uid: int | None = None, method: str | None = None, proof: str | None = None, sid: str | None = None
) -> WebSession:
    return WebSession(secrets.token_urlsafe(24), uid, method, proof, time.time() + MAX_AGE_S, sid)


def set_cookie(response: Response, request: Request, settings: Settings, s: WebSession) -> None:
    response.set_cookie(
        COOKIE,
        encode(settings, s),
        max_age=MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


async def check_csrf(request: Request, s: WebSession | None) -> None:
    """Every state-changing request carries the session's CSRF token, in a header (htmx) or a form field."""
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = str((await request.form()).get(CSRF_FIELD) or "")
    if s is None or not sent or not hmac.compare_digest(sent, s.csrf):
        raise Forbidden(
            "表单已过期或来源不明（CSRF 校验未通过）。", hint="请刷新页面后重新提交；如仍失败，请重新登录。"
        )
