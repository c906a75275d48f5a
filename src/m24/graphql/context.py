"""The typed per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from strawberry.fastapi import BaseContext

from m24.auth.principal import ANONYMOUS, Principal
from m24.config import Settings
from m24.graphql.dataloaders import Loaders
from m24.kit.db import Database
from m24.portal.audit.service import RequestMeta
from m24.search.backend import SearchBackend
from m24.search.service import backend_of_app


@dataclass
class Context(BaseContext):
    db: Database
    settings: Settings
    loaders: Loaders
    search: SearchBackend
    principal: Principal = ANONYMOUS
    request_id: str = "-"
    client_ip: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def meta(self) -> RequestMeta:
        """What the audit log records about where a request came from."""
        return RequestMeta(request_id=self.request_id, client_ip=self.client_ip)

    def __post_init__(self) -> None:
        super().__init__()


def make_context(request: Request) -> Context:
    state = request.app.state
    db: Database = state.db
    return Context(
        db=db,
        settings=state.settings,
        loaders=Loaders(db),
        search=backend_of_app(state),
        principal=getattr(request.state, "principal", ANONYMOUS),
        request_id=getattr(request.state, "request_id", "-"),
        client_ip=request.client.host if request.client else None,
    )
