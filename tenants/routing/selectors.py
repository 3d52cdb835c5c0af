"""Reads about routing: which community a host goes to, and the TLS ask."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Community, Domain
from tenants.routing.services import domain_cache_key, host_routes_memo
from tenants.validators import normalise_domain

HOST_ROUTE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class HostRoute:
    """Where a host goes: its community, and the primary host to redirect to
    (None when the host is the primary itself)."""

    community: Community
    redirect_to: str | None


def _route_copy(route: HostRoute) -> HostRoute:
    """Each request's tenant is its own object (as one unpickled from the cache
    is): the memo's is never handed out."""
    return HostRoute(community=copy.copy(route.community), redirect_to=route.redirect_to)


def host_route(*, hostname: str) -> HostRoute | None:
    """Route a request's host name: None unless it is a verified domain.

    Cached under the public schema's keys, and for a few seconds in the
    process (``host_routes_memo``); services forget a community's hosts
    whenever one of its domains changes.
    """
    key = domain_cache_key(hostname)
    route = host_routes_memo.get(key)
    if route is not None:
        return _route_copy(route)
    with schema_context(get_public_schema_name()):
        route = cache.get(key)
    if isinstance(route, HostRoute):
        host_routes_memo.set(key, _route_copy(route))
        return route
    domain = (
        Domain.objects.select_related("tenant")
        .filter(domain=hostname, status=Domain.Status.VERIFIED)
        .first()
    )
    if domain is None:
        return None
    redirect_to = None
    if not domain.is_primary:
        redirect_to = (
            Domain.objects.filter(tenant_id=domain.tenant_id, is_primary=True)
            .values_list("domain", flat=True)
            .first()
        )
    route = HostRoute(community=domain.tenant, redirect_to=redirect_to)
    with schema_context(get_public_schema_name()):
        cache.set(key, route, HOST_ROUTE_CACHE_SECONDS)
    host_routes_memo.set(key, _route_copy(route))
    return route


def domain_tls_allowed(*, hostname: str) -> bool:
    """Whether the TLS terminator may get a certificate for ``hostname``: only a
    verified domain. Raises ValidationError for something that is not a host name."""
    host = normalise_domain(hostname)
    return Domain.objects.filter(domain=host, status=Domain.Status.VERIFIED).exists()
