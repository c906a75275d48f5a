import pytest
from pydantic import ValidationError

from m24.config import Settings


def test_development_falls_back_to_embedded_defaults(tmp_path) -> None:
    settings = Settings(env="development", data_dir=tmp_path, _env_file=None)
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_broker_url.startswith("sqla+sqlite:///")
    assert settings.embedded_components() == {"database": True, "broker": True, "search": True, "identity": True}


def test_production_names_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "M24_DATABASE_URL",
        "M24_BROKER_URL",
        "M24_ELASTICSEARCH_URL",
        "M24_KEYCLOAK_URL",
        "M24_SECRET_KEY",
        "M24_NTS_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("M24_ENV", "production")
    monkeypatch.setenv("M24_DATABASE_URL", "postgresql://u:p@db/m24")
    with pytest.raises(ValidationError) as info:
        Settings()
    message = str(info.value)
    for var in ("M24_BROKER_URL", "M24_ELASTICSEARCH_URL", "M24_KEYCLOAK_URL", "M24_SECRET_KEY", "M24_NTS_URL"):
        assert var in message
    assert "M24_DATABASE_URL" not in message.split("missing:")[1]


def test_production_refuses_embedded_backends() -> None:
    common = {
        "env": "production",
        "broker_url": "amqp://u:p@mq//",
        "elasticsearch_url": "http://es:9200",
        "keycloak_url": "http://kc/realms/m24",
        "secret_key": "s3cret",
        "oidc_client_secret": "web-secret",
        "keycloak_admin_client_secret": "admin-secret",
        "nts_url": "https://api.odcloud.kr",
        "nts_service_key": "nts-key",
        "notify_url": "https://notify.example.kr",
        "notify_api_key": "notify-key",
    }
    with pytest.raises(ValidationError, match="SQLite"):
        Settings(database_url="sqlite:///x.db", **common)
    with pytest.raises(ValidationError, match="embedded broker"):
        Settings(**{**common, "database_url": "postgresql://u:p@db/m24", "broker_url": "sqla+sqlite:///b.db"})
    ok = Settings(database_url="postgresql://u:p@db/m24", **common)
    assert ok.is_production and not any(ok.embedded_components().values())


def test_secrets_are_not_printed() -> None:
    settings = Settings(database_url="postgresql://u:hunter2@db/m24", secret_key="topsecret")
    assert "hunter2" not in repr(settings) and "topsecret" not in repr(settings)
