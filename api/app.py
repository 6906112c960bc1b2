"""The FastAPI application, built from one Settings object: ``create_app(settings)``."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import admin, review, surveys, uploads
from fuqing.config import Settings
from fuqing.db import Database, open_database
from nlp.service import load_tagger
from nlp.tagger import Tagger
from survey.tagging import tag_responses

log = logging.getLogger(__name__)


class LazyTagger:
    """The tagger is built on first use (training from the bundled data if no model exists yet)."""

    def __init__(self, settings: Settings, tagger: Tagger | None = None):
        self.settings = settings
        self._tagger = tagger
        self._lock = threading.Lock()

    def get(self) -> Tagger:
        if self._tagger is None:
            with self._lock:
                if self._tagger is None:
                    self._tagger = load_tagger(self.settings)
        return self._tagger


def create_app(
    settings: Settings | None = None, *, db: Database | None = None, tagger: Tagger | None = None
) -> FastAPI:
    settings = settings or Settings()
    database = db or open_database(settings)
    lazy = LazyTagger(settings, tagger)

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
    app.state.tagger = lazy
    app.state.on_batch = lambda session, ids: tag_responses(
        session, ids, lazy.get(), floor=settings.kappa_floor
    )
    install_error_handlers(app)
    app.include_router(admin.router)
    app.include_router(surveys.router)
    app.include_router(uploads.router)
    app.include_router(review.router)
    return app


def app_factory() -> Any:
    """Entry point for `uvicorn --factory api.app:app_factory` (settings from the environment)."""
    return create_app(Settings())
