"""Demo data for ``make run``: three communities, each with an owner.

Idempotent: a community that exists is completed, never duplicated; each app's
demo data comes from the seeders registered in ``tenants.demo``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django_tenants.utils import schema_context

from billing.demo import plans_demo_seed
from billing.services.plans import plan_assign, plan_get
from tenants.current import community_url
from tenants.demo import DEMO_PASSWORD, DEMO_SEEDERS, demo_owner_email
from tenants.models import Community
from tenants.provisioning.services import (
    community_create,
    community_languages_set,
    platform_tenant_ensure,
)


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    theme: str
    language: str
    currency: str
    time_zone: str
    # Languages offered besides the default (visitors choose, or their browser).
    languages: tuple[str, ...] = ()


DEMO_COMMUNITIES = [
    DemoCommunity("salsa", "Salsa Sabor Berlin", "festival", "en", "EUR", "Europe/Berlin", ("de",)),
    DemoCommunity("tango", "Tango del Barrio", "salon", "es", "EUR", "Europe/Madrid", ("en",)),
    DemoCommunity("swing", "Swing Out London", "studio", "en", "GBP", "Europe/London"),
]


# Each demo community shows one of the plans (billing.demo creates them).
DEMO_PLANS = {"salsa": "business", "tango": "pro", "swing": "free"}


def demo_seed() -> Iterator[str]:
    """Create the demo communities if missing and run every app's demo seeder."""
    platform_tenant_ensure()
    plans_demo_seed()
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
        # Also gives existing demo communities a page locale per language (their
        # pages are seeded in the demo's language).
        community_languages_set(community=community, languages=demo.languages, relabel_pages=True)
        # Demo data is seeded without limits (on the largest plan), then the
        # community shows its demo plan, usage over a limit included.
        largest = plan_get(slug="business", offered_only=False)
        plan_assign(community=community, plan=largest, check_fit=False)
        with schema_context(community.schema_name):
            for seeder in DEMO_SEEDERS:
                seeder(community)
        plan = plan_get(slug=DEMO_PLANS[demo.slug], offered_only=False)
        plan_assign(community=community, plan=plan, check_fit=False)
        yield (
            f"{community.name}: {community_url(community=community)}/ "
            f"(owner {demo_owner_email(demo.slug)} / {DEMO_PASSWORD}; "
            "two-factor code: manage.py demo_totp_code)"
        )
