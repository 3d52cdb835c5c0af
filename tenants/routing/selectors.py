"""Reads about routing: which community a host goes to, and the TLS ask."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Community, Domain
from tenants.routing.services import domain_cache_key
from tenants.validators import normalise_domain

HOST_ROUTE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class HostRoute:
    """Where a host goes: its community, and the primary host to redirect to
    (None when the host is the primary itself)."""

    community: Community
    redirect_to: str | None


def host_route(*, hostname: str) -> HostRoute | None:
    """Route a request's host name: None unless it is a verified domain.

    Cached under the public schema's keys; services forget a community's hosts
    whenever one of its domains changes.
    """
    key = domain_cache_key(hostname)
    with schema_context(get_public_schema_name()):
        route = cache.get(key)
    if isinstance(route, HostRoute):
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
    return route


def domain_tls_allowed(*, hostname: str) -> bool:
    """Whether the TLS terminator may get a certificate for ``hostname``: only a
    verified domain. Raises ValidationError for something that is not a host name."""
    host = normalise_domain(hostname)
    return Domain.objects.filter(domain=host, status=Domain.Status.VERIFIED).exists()
