"""Keycloak Admin REST API client: provisions portal users and their realm roles in Keycloak."""

from m24.integrations.keycloak_admin.client import KeycloakAdmin

__all__ = ["KeycloakAdmin"]
