"""Errors of outside calls: transient ones may be retried with backoff, permanent ones never."""

from __future__ import annotations


class IntegrationError(Exception):
    def __init__(self, system: str, message: str) -> None:
        super().__init__(f"{system}: {message}")
        self.system = system
        self.detail = message

    def __reduce__(self) -> tuple[type[IntegrationError], tuple[str, str]]:
        # Picklable with its two arguments, so Celery can carry it across processes as itself.
        return (type(self), (self.system, self.detail))


class TransientIntegrationError(IntegrationError):
    """Timeouts, connection failures, HTTP 5xx and 429: worth retrying later."""


class PermanentIntegrationError(IntegrationError):
    """HTTP 4xx and malformed answers: retrying the same call cannot help."""
