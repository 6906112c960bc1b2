"""The FastAPI application, built from one Settings object: ``create_app(settings)``."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.guard import Guard
from api.openapi_errors import install_error_schema
from api.routes import admin, cases, review, summaries, surveys, uploads
from api.routes import corpus as corpus_routes
from api.routes import evals as eval_routes
from api.web import install_web
from corpus.service import Corpus
from findings.summary_index import SummaryIndex
from fuqing.config import Settings
from fuqing.db import Database, open_database
from fuqing.throttle import DatabaseStore, LoginThrottle
from fuqing.vault import Vault
from nlp.service import load_tagger
from nlp.tagger import Tagger
from survey.alerts import AlertSender
from survey.jobs import ImportJobs, StagedFiles
from survey.submissions import SubmissionGroup
from survey.tag_queue import TaggingQueue
from usecases import SETUP_CODE_NOTICE, Lazy, Services, first_admin_setup_code

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    tagger: Tagger | None = None,
    corpus: Corpus | None = None,
    warm: bool = False,
) -> FastAPI:
    """``warm`` loads the summary index in a background thread at start-up (what `fuqing serve` does), so the
    first dashboard after a restart does not wait for 1,000,000 rows to load."""
    settings = settings or Settings()
    services = build_services(settings, db=db, tagger=tagger, corpus=corpus)
    database = services.db
    tag_queue = services.tag_queue
    assert tag_queue is not None and services.summary_index is not None

    alerts = AlertSender(database, settings.alert_webhook) if settings.alert_webhook else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if alerts is not None:
            alerts.start()
        if warm:
            threading.Thread(
                target=warm_up,
                args=(database, services.summary_index, tag_queue),
                name="warm-up",
                daemon=True,
            ).start()
        yield
        tag_queue.close()
        if alerts is not None:
            alerts.stop()
        if db is None:
            database.dispose()

    app = FastAPI(
        title="妇情 fuqing",
        description="基层妇女群众需求调研：调查录入、需求标注、政策检索与调研发现。",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    install_error_schema(app)
    app.state.services = services  # the only state: typed, built here, nothing added later
    install_error_handlers(app)
    for module in (admin, surveys, uploads, review, summaries, cases, corpus_routes, eval_routes):
        app.include_router(module.router)
    install_web(app)
    app.add_middleware(Guard, services=services)
    return app


def build_services(
    settings: Settings, *, db: Database | None, tagger: Tagger | None, corpus: Corpus | None
) -> Services:
    """Every part of the service process, built once; the heavy ones (model, corpus) on first use."""
    database = db or open_database(settings)
    lazy_tagger: Lazy[Tagger] = Lazy(lambda: load_tagger(settings), tagger)
    tag_queue = TaggingQueue(database, lazy_tagger.get, floor=settings.kappa_floor)
    vault = Vault.of(settings)
    return Services(
        settings,
        Lazy(lambda: database, database),
        lazy_tagger,
        Lazy(lambda: Corpus.open(settings), corpus),
        summary_index=SummaryIndex(),  # loaded once, then refreshed by revision before each summary
        tag_queue=tag_queue,
        submissions=SubmissionGroup(database, tag_queue.submit_many, vault),
        imports=ImportJobs(),
        staged=StagedFiles(),
        login_throttle=LoginThrottle(DatabaseStore(database)),  # shared by every service process
    )


def _housekeeping(services: Services, stop: threading.Event, every_s: float = 6 * 3600) -> None:
    """Retention and temporary files, at start and then every few hours, until the service stops."""
    from usecases.housekeeping import housekeep

    while not stop.is_set():
        try:
            housekeep(services)
        except Exception:  # the next round tries again; the service keeps serving
            log.warning("housekeeping failed", exc_info=True)
        stop.wait(every_s)


def warm_up(database: Database, index: SummaryIndex, tag_queue: TaggingQueue) -> None:
    """At start-up: tag responses a previous run stored but did not tag, and load the summary index."""
    try:
        queued = tag_queue.catch_up()
        if queued:
            log.info("tagging %d responses stored but not yet tagged", queued)
        with database.session() as s:
            index.refresh(s)
        log.info("summary index loaded: %d responses", index.n)
        from nlp.keywords import keywords

        keywords(
            ["妇女之家组织留守妇女参加技能培训"]
        )  # loads jieba.analyse's dictionaries before the first dashboard
    except Exception:  # the first summary will load it instead
        log.warning("could not preload the summary index", exc_info=True)


def install_docs(app: FastAPI) -> None:
    """API documentation at /docs from Swagger UI files shipped in a Python package: no CDN, works offline."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="妇情 fuqing API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )


def app_factory() -> Any:
    """Entry point for `uvicorn --factory api.app:app_factory` (settings from the environment). On a new
    installation it prints the set-up code to the console, as `fuqing serve` does."""
    app = create_app(Settings())
    code = first_admin_setup_code(app.state.services)
    if code:
        print(SETUP_CODE_NOTICE.format(code=code), file=sys.stderr, flush=True)
    return app
