"""Reads about domains: routing a host, the TLS ask, what the owner sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.models import User
from tenants.domain_services import (
    domain_manager_check,
    verification_record_name,
    verification_record_value,
)
from tenants.models import Community, Domain
from tenants.services import base_host, domain_cache_key
from tenants.validators import normalise_domain

HOST_ROUTE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class HostRoute:
    """Where a host goes: its community, and the primary host to redirect to
    (None when the host is the primary itself)."""

    community: Community
    redirect_to: str | None


@dataclass(frozen=True)
class DnsRecord:
    type: str
    name: str
    value: str
    purpose: str


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


def domains_of_community(*, community: Community, actor: User) -> QuerySet[Domain]:
    """The community's domains, primary first, for its owners and admins.
    Raises PermissionDenied."""
    domain_manager_check(community=community, actor=actor)
    return Domain.objects.filter(tenant=community).order_by("-is_primary", "domain")


def domain_cname_target() -> str:
    """The host custom domains point their CNAME at."""
    return str(getattr(settings, "PISTA_CNAME_TARGET", "") or base_host())


def domain_dns_records(*, domain: Domain) -> list[DnsRecord]:
    """The DNS records the owner creates for a custom domain."""
    return [
        DnsRecord(
            type="CNAME",
            name=domain.domain,
            value=domain_cname_target(),
            purpose="routes the domain to Pista (at a zone apex use your DNS host's "
            "ALIAS/ANAME record instead)",
        ),
        DnsRecord(
            type="TXT",
            name=verification_record_name(domain.domain),
            value=verification_record_value(domain.verification_token),
            purpose="proves you control the domain",
        ),
    ]


def domain_is_platform_address(*, domain: Domain, community: Community) -> bool:
    return domain.domain == f"{community.slug}.{base_host()}"
