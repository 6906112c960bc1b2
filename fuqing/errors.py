"""The one error hierarchy of fuqing.

Core code raises these; the HTTP layer maps them once to a status and a JSON shape, the CLI once to a
message and an exit code. Every message says what went wrong and what the user can do about it.
"""

from __future__ import annotations

from typing import Any


class FuqingError(Exception):
    """Base class: ``code`` is a stable machine value, ``message`` is for people, ``hint`` says what to do."""

    code = "error"
    http_status = 500
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return body

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}（{self.hint}）"


class InputError(FuqingError):
    """The user's input (file, text, parameter) cannot be used as given."""

    code = "invalid_input"
    http_status = 422
    exit_code = 2


class FileTooLarge(InputError):
    code = "file_too_large"
    http_status = 413


class NotFound(FuqingError):
    code = "not_found"
    http_status = 404
    exit_code = 3


class Conflict(FuqingError):
    code = "conflict"
    http_status = 409
    exit_code = 4


class AuthError(FuqingError):
    code = "unauthorized"
    http_status = 401
    exit_code = 5


class Forbidden(FuqingError):
    code = "forbidden"
    http_status = 403
    exit_code = 6


class Unavailable(FuqingError):
    """A dependency (database, Chroma server, LLM endpoint) cannot be reached."""

    code = "unavailable"
    http_status = 503
    exit_code = 7


class TooManyAttempts(FuqingError):
    """Sign-in refused for a while after repeated failures (fuqing/throttle.py)."""

    code = "too_many_attempts"
    http_status = 429
    exit_code = 5
