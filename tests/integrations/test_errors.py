"""Integration errors cross process boundaries (Celery pickles a task's final exception)."""

from __future__ import annotations

import pickle

from m24.integrations.errors import PermanentIntegrationError, TransientIntegrationError


def test_integration_errors_survive_pickling() -> None:
    for error in (TransientIntegrationError("nts", "timeout"), PermanentIntegrationError("notify", "HTTP 400")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (copy.system, copy.detail, str(copy)) == (error.system, error.detail, str(error))
