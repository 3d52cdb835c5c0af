"""Writes about routing: forgetting cached host lookups when what they carry changes."""

from __future__ import annotations

from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

DOMAIN_CACHE_PREFIX = "tenants:domain:"


def domain_cache_key(host: str) -> str:
    return f"{DOMAIN_CACHE_PREFIX}{host}"


def domain_cache_forget(hosts: list[str]) -> None:
    """Drop cached host → community lookups (kept under the public schema's keys)."""
    with schema_context(get_public_schema_name()):
        cache.delete_many([domain_cache_key(host) for host in hosts])
