"""The one mapping of errors to HTTP: a status code and one JSON shape, ``{"error": {code, message, hint?}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fuqing.errors import FuqingError

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "file_too_large",
}


def error_body(
    code: str, message: str, hint: str | None = None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if hint:
        err["hint"] = hint
    if details:
        err["details"] = details
    return {"error": err}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FuqingError)
    async def _fuqing(_req: Request, exc: FuqingError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse(
            error_body(exc.code, exc.message, exc.hint, exc.details),
            status_code=exc.http_status,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {
                "field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "query", "path")),
                "problem": e.get("msg", ""),
            }
            for e in exc.errors()
        ]
        names = "、".join(f["field"] or "请求体" for f in fields[:5])
        return JSONResponse(
            error_body(
                "invalid_input",
                f"请求参数有误：{names}。",
                "请对照 /docs 中的接口说明检查这些字段。",
                {"fields": fields},
            ),
            status_code=422,
        )

    @app.exception_handler(OverflowError)
    async def _overflow(_req: Request, _exc: OverflowError) -> JSONResponse:
        # The safety net behind the bounded ids (api.deps.Id): a number too large for the database is the
        # caller's input, never a server error.
        return JSONResponse(
            error_body("invalid_input", "编号或数字超出范围。", "编号应是不超过 19 位的正整数。"),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else "找不到这个地址。"
        return JSONResponse(error_body(code, message), status_code=exc.status_code)
