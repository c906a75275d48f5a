"""Keeping the identity provider in step with our memberships.

Memberships are decided in our database; Keycloak is told afterwards (after commit, at least once):
the person's account exists, and its realm roles are exactly those the memberships imply. Idempotent:
running it twice changes nothing the second time.
"""

from __future__ import annotations

import logging
import uuid
from urllib.parse import urlsplit

from m24.auth.personas import ALL_ROLES
from m24.config import Settings, get_settings
from m24.integrations.errors import TransientIntegrationError
from m24.integrations.keycloak_admin import KeycloakAdmin
from m24.kit.db import Database
from m24.portal.companies.service import SYNC_ROLES_JOB
from m24.portal.people.identity import principal_for_person_id
from m24.portal.people.models import Person
from m24.workflows import runtime
from m24.workflows.celery_app import celery_app

log = logging.getLogger(__name__)


def admin_for(settings: Settings) -> KeycloakAdmin:
    """The Admin API client for the configured realm (``…/realms/<name>`` gives server and realm)."""
    assert settings.keycloak_url is not None
    parts = urlsplit(settings.keycloak_url.rstrip("/"))
    prefix, _, realm = parts.path.rpartition("/realms/")
    secret = settings.keycloak_admin_client_secret
    if secret is None:
        raise RuntimeError("M24_KEYCLOAK_ADMIN_CLIENT_SECRET is not set")
    return KeycloakAdmin(
        f"{parts.scheme}://{parts.netloc}{prefix}",
        realm,
        settings.keycloak_admin_client_id,
        secret.get_secret_value(),
        timeout=settings.http_timeout_seconds,
    )


async def sync_person_roles(db: Database, admin: KeycloakAdmin, person_id: uuid.UUID) -> set[str] | None:
    """Ensure the person's Keycloak account exists with exactly the portal roles their memberships imply.

    Returns the roles set, or None when the person no longer exists. Roles outside the portal's own
    (Keycloak defaults such as offline_access) are left alone.
    """
    async with db.read() as session:
        person = await session.get(Person, person_id)
        principal = await principal_for_person_id(session, person_id)
    if person is None or principal is None:
        return None
    wanted = set(principal.roles & ALL_ROLES)
    user = await admin.find_user_by_email(person.email)
    if user is None:
        family, given = person.name[:1], person.name[1:] or person.name
        user_id = await admin.create_user(person.email, given, family, enabled=True, email_verified=False)
    else:
        user_id = str(user["id"])
    current = await admin.realm_role_names(user_id) & ALL_ROLES
    if wanted - current:
        await admin.assign_realm_roles(user_id, sorted(wanted - current))
    if current - wanted:
        await admin.remove_realm_roles(user_id, sorted(current - wanted))
    return wanted


@celery_app.task(
    name=SYNC_ROLES_JOB,
    acks_late=True,
    autoretry_for=(TransientIntegrationError,),
    retry_backoff=True,
    max_retries=6,
)
def sync_roles(person_id: str) -> list[str] | None:
    settings = get_settings()
    if not settings.keycloak_url:
        return None  # embedded default: the development issuer reads memberships directly

    async def body() -> set[str] | None:
        async with admin_for(settings) as admin:
            return await sync_person_roles(runtime.database(), admin, uuid.UUID(person_id))

    roles = runtime.run(body())
    log.info("identity roles synced for %s: %s", person_id, sorted(roles) if roles is not None else None)
    return sorted(roles) if roles is not None else None
