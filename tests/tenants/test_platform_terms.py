"""Founders accept the platform's own terms at signup, once operators publish them."""

from __future__ import annotations

from django_tenants.utils import schema_context

from core_apps.privacy.services.consents import policy_publish
from tenants.models import Community, PlatformTermsAcceptance
from tests.tenants.test_signup import signup_data


def _publish_platform_terms():
    with schema_context("public"):
        return policy_publish(kind="terms", text="<p>Pista platform terms v1</p>")


def test_without_published_platform_terms_signup_asks_nothing(platform_client):
    assert b"accept_terms" not in platform_client.get("/start/").content
    assert platform_client.get("/legal/terms/").status_code == 404


def test_signup_requires_accepting_the_published_terms_and_records_the_version(
    platform_client,
):
    terms = _publish_platform_terms()
    page = platform_client.get("/start/").content.decode()
    assert 'name="accept_terms"' in page and 'href="/legal/terms/"' in page

    refused = platform_client.post("/start/", signup_data())
    assert refused.status_code == 400 and b"This field is required" in refused.content
    assert not Community.objects.filter(slug="kizomba").exists()

    accepted = platform_client.post("/start/", signup_data(accept_terms="on"))
    assert accepted.status_code == 302
    community = Community.objects.get(slug="kizomba")
    record = PlatformTermsAcceptance.objects.get(community=community)
    assert (record.document, record.community_slug) == (terms, "kizomba")


def test_the_platform_policy_page_shows_the_current_version(platform_client, client_a):
    _publish_platform_terms()
    with schema_context("public"):
        policy_publish(kind="terms", text="<p>Pista platform terms v2</p><script>x()</script>")
    page = platform_client.get("/legal/terms/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Pista platform terms v2" in body and "v1" not in body and "<script>x" not in body
    # A community host has no platform policy route.
    assert client_a.get("/legal/terms/").status_code == 404
