"""The one Settings object.

Every setting is read from the environment with the prefix ``M24_``. In development a missing service
URL falls back to an embedded default (SQLite, a broker stored in SQLite, database search, the
development identity issuer); in production every URL must be given, and a missing one is a startup
error naming the variable.
"""

from __future__ import annotations

import enum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ConfigurationError(ValueError):
    """Raised at startup when the configuration cannot run in the chosen environment."""


#: Settings that must be given explicitly in production, with the variable that carries each.
REQUIRED_IN_PRODUCTION = {
    "database_url": "M24_DATABASE_URL",
    "broker_url": "M24_BROKER_URL",
    "elasticsearch_url": "M24_ELASTICSEARCH_URL",
    "keycloak_url": "M24_KEYCLOAK_URL",
    "secret_key": "M24_SECRET_KEY",
    "oidc_client_secret": "M24_OIDC_CLIENT_SECRET",
    "keycloak_admin_client_secret": "M24_KEYCLOAK_ADMIN_CLIENT_SECRET",
    "nts_url": "M24_NTS_URL",
    "nts_service_key": "M24_NTS_SERVICE_KEY",
    "notify_url": "M24_NOTIFY_URL",
    "notify_api_key": "M24_NOTIFY_API_KEY",
}

#: Mount points of the embedded stand-ins (development only).
DEV_ISSUER_PATH = "/dev-issuer"
DEV_NTS_PATH = "/dev-nts"
DEV_NTS_SERVICE_KEY = "m24-dev-nts-key"
DEV_NOTIFY_PATH = "/dev-notify"
DEV_NOTIFY_API_KEY = "m24-dev-notify-key"

_DEV_SECRET = "m24-development-secret-not-for-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="M24_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Field(default=Path("var"), description="Where embedded databases and files live.")
    database_url: SecretStr | None = None
    broker_url: SecretStr | None = None
    elasticsearch_url: str | None = None
    #: Prefix of Elasticsearch index and alias names (``<prefix>-specialists`` …); lets several
    #: deployments or test runs share one cluster.
    search_index_prefix: str = "m24"
    #: Seconds a search request may take before it is reported as "search unavailable".
    search_timeout_seconds: float = 5.0
    keycloak_url: str | None = None
    secret_key: SecretStr | None = None
    log_level: str = "INFO"
    log_json: bool = True
    #: Limits on GraphQL documents (defence against expensive queries).
    graphql_max_depth: int = 10
    graphql_max_aliases: int = 15
    graphql_max_tokens: int = 2000
    #: Default and maximum page size of every connection.
    page_size_default: int = 20
    page_size_max: int = 100
    http_timeout_seconds: float = 5.0
    #: Where browsers reach the portal (login redirects, the development issuer's URL).
    public_url: str = "http://127.0.0.1:8000"
    #: OpenID Connect: the web client, the API audience and the clients whose tokens the API accepts.
    oidc_client_id: str = "m24-web"
    oidc_client_secret: SecretStr | None = None
    api_audience: str = "m24-api"
    accepted_token_clients: str = "m24-web,m24-cli"
    #: Service account for the Keycloak Admin REST API (user provisioning).
    keycloak_admin_client_id: str = "m24-admin"
    keycloak_admin_client_secret: SecretStr | None = None
    #: National Tax Service business-status API (공공데이터포털); embedded: the built-in simulator.
    nts_url: str | None = None
    nts_service_key: SecretStr | None = None
    #: The notification gateway (e-mail, SMS, 알림톡); embedded: the built-in simulator.
    notify_url: str | None = None
    notify_api_key: SecretStr | None = None
    #: Where uploaded application documents are kept (outside any web root); default data_dir/documents.
    documents_dir: Path | None = None
    max_document_mb: int = 20
    #: Where contributed dataset files are kept (outside any web root); default data_dir/datasets.
    datasets_dir: Path | None = None
    max_dataset_mb: int = 50
    #: Lifetime of a signed dataset download link.
    download_link_minutes: int = 10
    session_hours: int = 8

    @model_validator(mode="after")
    def _production_needs_every_service(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            missing = [var for attr, var in REQUIRED_IN_PRODUCTION.items() if getattr(self, attr) is None]
            if missing:
                raise ConfigurationError(
                    "M24_ENV=production needs every service configured; missing: " + ", ".join(missing)
                )
            db = self.database_url.get_secret_value() if self.database_url else ""
            if db.startswith("sqlite"):
                raise ConfigurationError(
                    "M24_DATABASE_URL: SQLite is the embedded default and is refused in production"
                )
            broker = self.broker_url.get_secret_value() if self.broker_url else ""
            if broker.startswith(("sqla+", "filesystem", "memory")):
                raise ConfigurationError("M24_BROKER_URL: the embedded broker is refused in production")
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    # Effective values: the configured service or its embedded default.

    @property
    def effective_database_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'm24.sqlite3').resolve()}"

    @property
    def effective_broker_url(self) -> str:
        if self.broker_url is not None:
            return self.broker_url.get_secret_value()
        return f"sqla+sqlite:///{(self.data_dir / 'broker.sqlite3').resolve()}"

    @property
    def effective_secret_key(self) -> str:
        return self.secret_key.get_secret_value() if self.secret_key is not None else _DEV_SECRET

    @property
    def issuer_url(self) -> str:
        """The OpenID issuer: the Keycloak realm, or the development issuer inside this app."""
        if self.keycloak_url:
            return self.keycloak_url.rstrip("/")
        return self.public_url.rstrip("/") + DEV_ISSUER_PATH

    @property
    def effective_nts_url(self) -> str:
        return (self.nts_url or self.public_url.rstrip("/") + DEV_NTS_PATH).rstrip("/")

    @property
    def effective_nts_service_key(self) -> str:
        return self.nts_service_key.get_secret_value() if self.nts_service_key else DEV_NTS_SERVICE_KEY

    @property
    def effective_notify_url(self) -> str:
        return (self.notify_url or self.public_url.rstrip("/") + DEV_NOTIFY_PATH).rstrip("/")

    @property
    def effective_notify_api_key(self) -> str:
        return self.notify_api_key.get_secret_value() if self.notify_api_key else DEV_NOTIFY_API_KEY

    @property
    def effective_datasets_dir(self) -> Path:
        return self.datasets_dir or self.data_dir / "datasets"

    @property
    def effective_documents_dir(self) -> Path:
        return self.documents_dir or self.data_dir / "documents"

    @property
    def token_clients(self) -> frozenset[str]:
        return frozenset(c.strip() for c in self.accepted_token_clients.split(",") if c.strip())

    @property
    def cookies_secure(self) -> bool:
        return self.public_url.startswith("https://")

    def embedded_components(self) -> dict[str, bool]:
        """Which backends run on their embedded default (``True``) rather than a configured server."""
        return {
            "database": self.database_url is None,
            "broker": self.broker_url is None,
            "search": self.elasticsearch_url is None,
            "identity": self.keycloak_url is None,
        }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
