"""Writes about routing: forgetting cached host lookups (and the community's
cached pages) when what they carry changes."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

from pista.memo import LocalMemo
from pista.pagecache.store import page_cache_invalidate
from tenants.models import Community

DOMAIN_CACHE_PREFIX = "tenants:domain:"
# Every request routes its host: the last few seconds' answers stay in the
# process. Another process may route a changed host the old way this long.
HOST_ROUTE_MEMO_SECONDS = 5.0
host_routes_memo: LocalMemo[Any] = LocalMemo(ttl_s=HOST_ROUTE_MEMO_SECONDS)


def domain_cache_key(host: str) -> str:
    return f"{DOMAIN_CACHE_PREFIX}{host}"


def domain_cache_forget(hosts: list[str]) -> None:
    """Drop cached host → community lookups (kept under the public schema's keys)."""
    keys = [domain_cache_key(host) for host in hosts]
    host_routes_memo.forget(keys)
    with schema_context(get_public_schema_name()):
        cache.delete_many(keys)


def community_caches_forget(*, community: Community) -> None:
    """After a change to the community's row (name, languages, theme…): its
    host lookups go now, its cached pages and site chrome once the change commits."""
    domain_cache_forget(list(community.domains.values_list("domain", flat=True)))
    page_cache_invalidate(schema=community.schema_name)
