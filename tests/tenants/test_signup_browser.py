"""A visitor starts a community in Chromium and lands on its onboarding checklist."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tenants.models import Community
from tests.browser import chromium, wsgi_server
from tests.conftest import totp_code

SLUG = "browser-bachata"
PRIMARY_COLOUR_JS = (
    "getComputedStyle(document.documentElement).getPropertyValue('--pista-color-primary').trim()"
)


@pytest.fixture
def platform_server(django_db_setup, django_db_blocker, settings) -> Iterator[int]:
    with django_db_blocker.unblock(), wsgi_server() as port:
        settings.PISTA_BASE_DOMAIN = f"localhost:{port}"
        try:
            yield port
        finally:
            community = Community.objects.filter(slug=SLUG).first()
            if community is not None:
                community.delete(force_drop=True)


@pytest.mark.browser
def test_visitor_creates_a_community_and_lands_on_its_onboarding_checklist(platform_server):
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # provisioning happens inside the request
    port = platform_server
    with chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"http://localhost:{port}/")
        page.get_by_role("link", name="Start your community").click()
        expect(page).to_have_url(f"http://localhost:{port}/start/")
        started = time.monotonic()

        page.fill("#id_name", "Bachata Browser Club")
        # The web address is suggested from the name (and checked).
        expect(page.locator("#id_slug")).to_have_value("bachata-browser-club")
        expect(page.locator("#slug-status")).to_contain_text("is available")
        page.fill("#id_slug", "alpha")
        expect(page.locator("#slug-status")).to_contain_text("already taken")
        page.locator("#slug-status button.suggestion").first.click()
        expect(page.locator("#id_slug")).to_have_value("alpha-club")
        page.fill("#id_slug", SLUG)
        expect(page.locator("#slug-status")).to_contain_text("is available")
        page.fill("#id_owner_email", "founder@bachata.example")
        page.fill("#id_password", "sunny-bachata-evenings-42")
        page.check("input[name=dance_styles][value=bachata]")
        page.select_option("#id_time_zone", "Europe/Madrid")
        # People take a few seconds to fill a form; instant posts are refused.
        time.sleep(max(0.0, 3.5 - (time.monotonic() - started)))
        page.get_by_role("button", name="Create my community").click()

        # Owners set up two-factor authentication before any staff page works.
        expect(page).to_have_url(
            f"http://{SLUG}.localhost:{port}/accounts/2fa/?next=%2Fonboarding%2F"
        )
        page.goto(f"http://{SLUG}.localhost:{port}/accounts/2fa/totp/activate/")
        page.fill("#id_password", "sunny-bachata-evenings-42")  # re-authentication
        page.locator("form button[type=submit]").last.click()
        secret = page.locator("#authenticator_secret").input_value()
        page.fill("#id_code", totp_code(secret))
        page.locator("form button[type=submit]").last.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Recovery")
        # With the codes saved, the owner goes back to the onboarding checklist.
        page.get_by_role("link", name="I have saved my codes: continue").click()
        expect(page).to_have_url(f"http://{SLUG}.localhost:{port}/onboarding/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bachata Browser Club")
        for step in ["Choose a theme", "Upload a logo", "Publish your first event"]:
            expect(page.locator(".checklist")).to_contain_text(step)

        # The owner picks a theme and a primary colour; the public home page follows.
        home = browser.new_page()
        home.goto(f"http://{SLUG}.localhost:{port}/")
        expect(home.get_by_role("heading", level=1)).to_contain_text("Bachata Browser Club")
        before = home.evaluate(PRIMARY_COLOUR_JS)

        page.check("input[name=theme][value=festival]")
        page.fill("#id_primary_colour", "#ff6600")
        page.fill("#id_background_colour", "#101010")
        page.fill("#id_text_colour", "#fafafa")
        page.get_by_role("button", name="Apply").click()
        expect(page.locator(".messages")).to_contain_text("new look")

        home.reload()
        assert home.evaluate(PRIMARY_COLOUR_JS) == "#ff6600" != before
        assert "themes/festival/theme.css" in home.content()
    community = Community.objects.get(slug=SLUG)
    assert community.time_zone == "Europe/Madrid"
    assert community.dance_styles == ["bachata"]
    assert community.theme == "festival"
