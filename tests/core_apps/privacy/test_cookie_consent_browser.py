"""Cookie consent in Chromium: before a choice only strictly necessary cookies
exist; refusing is one click, as prominent as accepting, and sets nothing; the
video loads from its host only after an explicit opt-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.db import connections
from django_tenants.utils import schema_context

from core_apps.artists.models import ArtistProfile
from tenants.models import Community
from tests.browser import chromium, wsgi_server

# Session and CSRF: what signing in and posting a form need.
STRICTLY_NECESSARY = {"sessionid", "csrftoken"}
SLUG = "consent-browser-artist"
VIDEO = "https://www.youtube-nocookie.com/embed/consent123"


@pytest.fixture
def artist_server(django_db_setup, django_db_blocker) -> Iterator[int]:
    """Alpha with a public artist profile that has a video, committed; removed after."""
    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        with schema_context(community.schema_name):
            ArtistProfile.objects.filter(slug=SLUG).delete()
            ArtistProfile.objects.create(name="Consent Tester", slug=SLUG, video_url=VIDEO)
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            with wsgi_server() as port:
                yield port
        finally:
            with schema_context(community.schema_name):
                ArtistProfile.objects.filter(slug=SLUG).delete()
            connections.close_all()


def _cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


@pytest.mark.browser
def test_no_optional_cookie_before_consent_and_refusing_is_one_click(artist_server):
    from playwright.sync_api import expect

    base = f"http://alpha.localhost:{artist_server}"
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(20_000)
        external: list[str] = []

        def keep_local(route) -> None:
            host = urlparse(route.request.url).hostname or ""
            if host.endswith("localhost"):
                route.continue_()
            else:  # nothing leaves this machine; note what would have
                external.append(route.request.url)
                route.abort()

        page.route("**/*", keep_local)

        # Before any choice: the banner asks, only necessary cookies exist.
        for path in ("/", "/accounts/login/", f"/artists/{SLUG}/"):
            page.goto(base + path, wait_until="networkidle")
            expect(page.locator("[data-consent-banner]")).to_be_visible()
            assert _cookie_names(context) <= STRICTLY_NECESSARY, context.cookies()
        assert page.locator("iframe").count() == 0
        assert external == []

        refuse = page.get_by_role("button", name="Refuse", exact=True)
        accept = page.get_by_role("button", name="Accept", exact=True)
        style = (
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.color,"
            " s.fontSize, s.fontWeight, s.paddingTop, s.borderTopWidth]; }"
        )
        assert refuse.evaluate(style) == accept.evaluate(style)
        refuse_box, accept_box = refuse.bounding_box(), accept.bounding_box()
        assert abs(refuse_box["height"] - accept_box["height"]) < 1

        # Refusing: one click; the banner goes, no cookie is added, nothing loads.
        before = _cookie_names(context)
        refuse.click()
        expect(page.locator("[data-consent-banner]")).to_be_hidden()
        assert _cookie_names(context) == before
        assert page.evaluate("JSON.parse(localStorage.getItem('pista.consent')).embeds") is False

        # The choice holds on the next page.
        page.reload(wait_until="networkidle")
        expect(page.locator("[data-consent-banner]")).to_be_hidden()

        # Play without consent asks first and loads nothing.
        page.get_by_role("button", name="Play video").click()
        expect(page.locator("[data-video-consent]")).to_be_visible()
        assert page.locator("iframe").count() == 0
        assert external == []

        # The choice can be changed later, from the footer.
        page.get_by_role("button", name="Cookie settings").click()
        expect(page.locator("[data-consent-banner]")).to_be_visible()
        page.get_by_role("button", name="Accept", exact=True).click()
        assert page.evaluate("window.pistaConsent.allowed('embeds')") is True
        assert _cookie_names(context) <= STRICTLY_NECESSARY
        page.get_by_role("button", name="Play video").click()
        frame = page.locator("iframe.video__frame")
        frame.wait_for(state="attached")
        assert frame.get_attribute("src") == VIDEO
        page.wait_for_timeout(200)
        assert any("youtube-nocookie.com" in url for url in external)
        context.close()
