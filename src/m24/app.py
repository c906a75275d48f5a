"""create_app(): the FastAPI service with /graphql, the web UI, health, readiness and metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

import m24.portal.models  # noqa: F401  (every mapper must be configured before the first query)
from m24 import __version__
from m24.config import Settings, get_settings
from m24.graphql.context import make_context
from m24.graphql.schema import build_schema
from m24.kit.db import Database
from m24.observability import Metrics, request_context_middleware
from m24.readiness import check_all
from m24.web.pages import router as web_router
from m24.workflows import publisher
from m24.workflows.celery_app import make_celery

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owns_db = database is None
        app.state.db = database or Database(settings.effective_database_url)
        publisher.install(make_celery(settings))
        log.info("m24 %s started (%s); embedded: %s", __version__, settings.env.value, settings.embedded_components())
        try:
            yield
        finally:
            if owns_db:
                await app.state.db.dispose()

    app = FastAPI(
        title="제조 AI 24",
        version=__version__,
        lifespan=lifespan,
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
        openapi_url=None if settings.is_production else "/openapi.json",
    )
    app.state.settings = settings
    if database is not None:
        app.state.db = database
    app.middleware("http")(request_context_middleware(metrics))

    schema = build_schema(settings)
    graphql = GraphQLRouter(
        schema,
        context_getter=make_context,
        graphql_ide=None if settings.is_production else "graphiql",
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).resolve().parent / "web" / "static")), name="static")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        report = await check_all(settings, request.app.state.db)
        return JSONResponse(report, status_code=200 if report["ready"] else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return metrics.render()

    return app
