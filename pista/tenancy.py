"""Typed access to the tenant state django-tenants keeps on the connection."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper
from django_tenants.utils import get_public_schema_name


def _tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def current_schema() -> str:
    """The schema the default connection works in."""
    return str(_tenant_connection().schema_name)


def in_public_schema() -> bool:
    return current_schema() == get_public_schema_name()


def public_schema_activate() -> None:
    """Point the connection back at the public schema."""
    _tenant_connection().set_schema_to_public()


def tenant_activate(tenant: object) -> None:
    """Point the connection at ``tenant``'s schema (a django-tenants tenant row)."""
    _tenant_connection().set_tenant(tenant)
