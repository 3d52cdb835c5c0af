"""Reads about custom domains: what the owner sees and the DNS records to create."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from core_apps.accounts.models import User
from tenants.current import base_host
from tenants.domains.services import (
    domain_manager_check,
    verification_record_name,
    verification_record_value,
)
from tenants.models import Community, Domain


@dataclass(frozen=True)
class DnsRecord:
    type: str
    name: str
    value: str
    purpose: str


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
