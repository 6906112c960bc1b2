"""The FastAPI application, built from one Settings object: ``create_app(settings)``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import admin, surveys, uploads
from fuqing.config import Settings
from fuqing.db import Database, open_database

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    database = db or open_database(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if db is None:
            database.dispose()

    app = FastAPI(
        title="妇情 fuqing",
        description="基层妇女群众需求调研：调查录入、需求标注、政策检索与调研发现。",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.on_batch = None
    install_error_handlers(app)
    app.include_router(admin.router)
    app.include_router(surveys.router)
    app.include_router(uploads.router)
    return app


def app_factory() -> Any:
    """Entry point for `uvicorn --factory api.app:app_factory` (settings from the environment)."""
    return create_app(Settings())
