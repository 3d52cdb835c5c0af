"""A venue manager in Chromium: signs in, clicks from the account menu to "My
venues", sets the opening hours and deactivates a space, all by clicking —
against a real server on community alpha's host, with committed data that the
test deletes afterwards (screenshots under ``test-artifacts/``, git-ignored)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.privacy.models import AuditEntry
from core_apps.venues.models import Space, Venue
from tenants.models import Community
from tests.browser import chromium, wsgi_server
from tests.conftest import PASSWORD
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, user_with_role

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock(), wsgi_server() as port:
        yield f"http://alpha.localhost:{port}"


@pytest.fixture
def venue_run(django_db_blocker) -> Iterator[dict[str, Any]]:
    """A venue manager, their venue with two spaces, and someone else's venue
    in community alpha, committed; all deleted afterwards, audit entries too."""
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        alpha = Community.objects.get(slug="alpha")
        with schema_context(alpha.schema_name):
            manager = user_with_role(
                Role.VENUE_MANAGER, email=f"vera-{tag}@example.org", display_name="Vera"
            )
            venue = VenueFactory(name=f"Salón Vera {tag}", managers=[manager])
            space = SpaceFactory(venue=venue, name="Old Studio")
            SpaceFactory(venue=venue, name="Main Hall")
            other = VenueFactory(name=f"Not Vera's {tag}")
        try:
            yield {
                "schema": alpha.schema_name,
                "manager": manager,
                "venue": venue,
                "space": space,
                "other": other,
            }
        finally:
            with schema_context(alpha.schema_name):
                AuditEntry.objects.filter(actor=manager).delete()
                Venue.objects.filter(pk__in=[venue.pk, other.pk]).delete()
                for session in Session.objects.all():
                    if session.get_decoded().get("_auth_user_id") == str(manager.pk):
                        session.delete()
                manager.delete()


def test_a_venue_manager_clicks_to_my_venues_sets_the_hours_and_deactivates_a_space(
    server: str, venue_run: dict[str, Any], django_db_blocker
) -> None:
    from playwright.sync_api import expect

    manager, venue = venue_run["manager"], venue_run["venue"]
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.set_default_timeout(15_000)

        page.goto(f"{server}/accounts/login/")
        page.fill("input[name=login]", manager.email)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()

        # From any page of the site: the account menu, then "My venues".
        page.goto(f"{server}/venues/")
        page.locator(".member-menu__toggle").click()
        page.get_by_role("link", name="My venues").click()
        expect(page.get_by_role("heading", name="My venues")).to_be_visible()
        expect(page.get_by_text(venue.name)).to_be_visible()
        expect(page.get_by_text(venue_run["other"].name)).to_have_count(0)
        expect(page.get_by_role("link", name="Orders")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "venue-manager-my-venues.png"), full_page=True)

        # The weekly hours: Friday evenings and Saturday afternoons.
        page.locator(f'tr[data-venue="{venue.pk}"]').get_by_role(
            "link", name="Opening hours"
        ).click()
        page.get_by_label("Friday: opens (1)").fill("18:00")
        page.get_by_label("Friday: closes (1)").fill("23:00")
        page.get_by_label("Saturday: opens (1)").fill("14:00")
        page.get_by_label("Saturday: closes (1)").fill("22:00")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("The opening hours were saved.")).to_be_visible()

        # Back on the venue's page: edit the old studio, deactivate it.
        page.locator(f'tr[data-space="{venue_run["space"].pk}"]').get_by_role(
            "link", name="Edit"
        ).click()
        page.get_by_role("button", name="Deactivate the space").click()
        expect(
            page.get_by_text("Old Studio is deactivated: it takes no new requests.")
        ).to_be_visible()
        expect(
            page.locator(f'tr[data-space="{venue_run["space"].pk}"] [data-status]')
        ).to_have_attribute("data-status", "inactive")
        page.screenshot(path=str(ARTIFACTS / "venue-manager-space-deactivated.png"), full_page=True)

        # The public venue page no longer offers it.
        page.get_by_role("link", name="View on the site").click()
        expect(page.get_by_role("link", name="Main Hall")).to_be_visible()
        expect(page.get_by_text("Old Studio")).to_have_count(0)

    with django_db_blocker.unblock(), schema_context(venue_run["schema"]):
        hours = [(h.weekday, h.opens, h.closes) for h in venue.opening_hours.all()]
        assert hours == [(4, time(18), time(23)), (5, time(14), time(22))]
        assert Space.objects.get(pk=venue_run["space"].pk).is_active is False
        actions = set(AuditEntry.objects.filter(actor=manager).values_list("action", flat=True))
        assert {"venue.opening_hours_set", "space.deactivate"} <= actions
