"""create_app(): the FastAPI service with /graphql, the web UI, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

import m24.portal.models  # noqa: F401  (every mapper must be configured before the first query)
from m24 import __version__
from m24.config import (
    DEV_ISSUER_PATH,
    DEV_NOTIFY_API_KEY,
    DEV_NOTIFY_PATH,
    DEV_NTS_PATH,
    DEV_NTS_SERVICE_KEY,
    Settings,
    get_settings,
)
from m24.graphql.context import make_context
from m24.graphql.schema import build_schema
from m24.integrations.notify import simulator as notify_simulator
from m24.integrations.nts import simulator as nts_simulator
from m24.kit.db import Database
from m24.observability import Metrics, request_context_middleware
from m24.readiness import check_all
from m24.search import analysis
from m24.web.applications import router as applications_router
from m24.web.catalogue import router as catalogue_router
from m24.web.datasets import router as datasets_router
from m24.web.dev_issuer_routes import build_router as build_dev_issuer_router
from m24.web.identity import Identity, identity_middleware
from m24.web.login import router as login_router
from m24.web.pages import router as web_router
from m24.web.specialists import router as specialists_router
from m24.web.training import router as training_router
from m24.workflows import publisher
from m24.workflows.celery_app import make_celery

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    identity_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The portal. ``identity_transport`` routes server-to-issuer calls (tests: in-process)."""
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owns_db = database is None
        app.state.db = database or Database(settings.effective_database_url)
        if app.state.identity is None:
            app.state.identity = Identity.build(settings, app.state.db, transport=identity_transport)
        publisher.install(make_celery(settings))
        # The Korean analyser's model takes about a second to load: not on the first search request.
        await asyncio.to_thread(analysis.warm_up)
        log.info("m24 %s started (%s); embedded: %s", __version__, settings.env.value, settings.embedded_components())
        try:
            yield
        finally:
            search = getattr(app.state, "search", None)
            if search is not None:
                await search.close()
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
    app.state.identity_transport = identity_transport
    # Built here when the database is given, else by the lifespan (or on first use).
    app.state.identity = Identity.build(settings, database, transport=identity_transport) if database else None

    def identity_of(request: Request) -> Identity:
        if request.app.state.identity is None:
            request.app.state.identity = Identity.build(
                settings, request.app.state.db, transport=request.app.state.identity_transport
            )
        identity: Identity = request.app.state.identity
        return identity

    # Added first = runs inside the request-context middleware (which sets the request id).
    app.middleware("http")(identity_middleware(identity_of))
    app.middleware("http")(request_context_middleware(metrics))

    schema = build_schema(settings)
    graphql = GraphQLRouter(
        schema,
        context_getter=make_context,
        graphql_ide=None if settings.is_production else "graphiql",
        # Document uploads (GraphQL multipart requests). Cookie-authenticated posts still need the
        # X-CSRF-Token header (identity middleware), so a cross-site form cannot upload.
        multipart_uploads_enabled=True,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(web_router)
    app.include_router(applications_router)
    app.include_router(specialists_router)
    app.include_router(training_router)
    app.include_router(datasets_router)
    app.include_router(catalogue_router)
    app.include_router(login_router)
    if not settings.is_production:
        _mount_embedded_stand_ins(app, settings)
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


def _mount_embedded_stand_ins(app: FastAPI, settings: Settings) -> None:
    """Development only: the identity issuer and the NTS and notification simulators inside the app when no real ones
    are configured, reached over HTTP through the same clients as the real systems."""
    if not settings.keycloak_url:
        # The identity middleware has built the identity (and the issuer's key) before this runs.
        app.mount(DEV_ISSUER_PATH, _LazyDevIssuerRouter(settings))
    if not settings.nts_url:
        app.mount(DEV_NTS_PATH, nts_simulator.create_app(DEV_NTS_SERVICE_KEY, unknown=nts_simulator.DEV_UNKNOWN))
    if not settings.notify_url:
        app.mount(DEV_NOTIFY_PATH, notify_simulator.create_app(DEV_NOTIFY_API_KEY))


class _LazyDevIssuerRouter:
    """ASGI app that builds the dev-issuer router once the identity (and its key) exists."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._app: FastAPI | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._app is None:
            identity = scope["app"].state.identity
            assert identity is not None and identity.dev_issuer is not None
            sub = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
            sub.include_router(
                build_dev_issuer_router(
                    identity.dev_issuer,
                    secret_key=self._settings.effective_secret_key,
                    public_url=self._settings.public_url,
                    db=identity.db,
                )
            )
            self._app = sub
        await self._app(scope, receive, send)
