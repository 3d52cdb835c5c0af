"""Reads about communities."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from pista.tenancy import current_schema
from tenants.models import Community


def community_primary_domain(*, community: Community) -> str | None:
    domain = community.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    return domain


def communities_listed() -> QuerySet[Community]:
    """Active communities, for the platform site."""
    return (
        Community.objects.exclude(schema_name=get_public_schema_name())
        .filter(status=Community.Status.ACTIVE)
        .prefetch_related("domains")
    )


def community_url(*, community: Community) -> str:
    """The community's public base URL, e.g. ``http://salsa.localhost:8000``.

    Sub-domains of the platform share its port (development); custom domains don't.
    """
    domain = community_primary_domain(community=community) or ""
    base_host, _, port = settings.PISTA_BASE_DOMAIN.partition(":")
    if port and (domain == base_host or domain.endswith("." + base_host)):
        domain = f"{domain}:{port}"
    return f"{settings.PISTA_SCHEME}://{domain}"


def community_current() -> Community:
    """The community whose schema the connection is in (requests and tasks alike).

    Raises Community.DoesNotExist in the public schema.
    """
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Community):
        return tenant
    return Community.objects.exclude(schema_name=get_public_schema_name()).get(
        schema_name=current_schema()
    )
