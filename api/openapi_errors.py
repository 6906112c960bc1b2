"""The OpenAPI document says what the API really answers on error: one shape, ``{"error": {code, message, hint?,
details?}}`` (api/errors.py), for 401, 403, 404, 413, 422 and 429 alike. FastAPI documents its own 422 body
(``HTTPValidationError``), which this service never sends; clients generated from the document, and schemathesis
checking responses against it, would be misled."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.openapi_links import add_links

ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorBody",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "hint": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}
_STATUSES = {
    "401": "未登录或令牌无效",
    "403": "角色没有这项权限",
    "404": "找不到",
    "413": "请求内容超过上限",
    "422": "输入有误",
    "429": "尝试次数过多",
}


def install_error_schema(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["ErrorBody"] = ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        for path, ops in doc.get("paths", {}).items():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                for status, text in _STATUSES.items():
                    if status in ("401", "403") and path == "/api/health":
                        continue
                    responses[status] = {
                        "description": text,
                        "content": {"application/json": {"schema": ref}},
                    }
        app.openapi_schema = add_links(doc)
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
