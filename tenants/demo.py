"""Demo data for ``make run``: three communities, each with an owner.

Idempotent: a community that exists is completed, never duplicated. Apps that
land later add their demo data through ``DEMO_SEEDERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django_tenants.utils import schema_context

from tenants.models import Community
from tenants.selectors import community_url
from tenants.services import community_create, platform_tenant_ensure

DEMO_PASSWORD = "pista-demo-2026"  # noqa: S105 - published demo credentials


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    theme: str
    language: str
    currency: str
    time_zone: str


DEMO_COMMUNITIES = [
    DemoCommunity("salsa", "Salsa Sabor Berlin", "festival", "en", "EUR", "Europe/Berlin"),
    DemoCommunity("tango", "Tango del Barrio", "salon", "es", "EUR", "Europe/Madrid"),
    DemoCommunity("swing", "Swing Out London", "studio", "en", "GBP", "Europe/London"),
]

# Functions (community) -> None run inside each demo community's schema, in
# registration order. Apps register theirs from AppConfig.ready().
DEMO_SEEDERS: list[Callable[[Community], None]] = []


def demo_seeder(func: Callable[[Community], None]) -> Callable[[Community], None]:
    """Register an app's idempotent demo-data function."""
    if func not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(func)
    return func


def demo_owner_email(slug: str) -> str:
    return f"owner@{slug}.example"


def demo_seed() -> Iterator[str]:
    """Create the demo communities if missing and run every app's demo seeder."""
    platform_tenant_ensure()
    for demo in DEMO_COMMUNITIES:
        community = Community.objects.filter(slug=demo.slug).first()
        if community is None:
            community = community_create(
                slug=demo.slug,
                name=demo.name,
                owner_email=demo_owner_email(demo.slug),
                owner_password=DEMO_PASSWORD,
                theme=demo.theme,
                language=demo.language,
                currency=demo.currency,
                time_zone=demo.time_zone,
            ).community
        with schema_context(community.schema_name):
            for seeder in DEMO_SEEDERS:
                seeder(community)
        yield (
            f"{community.name}: {community_url(community=community)}/ "
            f"(owner {demo_owner_email(demo.slug)} / {DEMO_PASSWORD}; "
            "two-factor code: manage.py demo_totp_code)"
        )
