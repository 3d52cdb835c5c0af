"""The page cache: anonymous community pages served from Redis, invalidated by
the services that change them, never across communities or to signed-in
visitors, with ETags, fresh CSP nonces and visitors' own CSRF tokens, and
uncached (never failing) while Redis is down."""

from __future__ import annotations

import dataclasses
import random
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.models import Site

from cms.models import FooterSettings, HomePage
from core_apps.events.models import Event
from core_apps.events.services import event_update
from core_apps.ticketing.models import Product, Quota
from core_apps.ticketing.services import product_create, quota_create
from pista.pagecache import store
from pista.pagecache.entry import PageEntry, entry_refresh_due
from tenants.provisioning.services import community_languages_set
from tests.conftest import community_host, login
from tests.core_apps.events.factories import EventFactory, organizer_create
from tests.factories import UserFactory
from themes.services import branding_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings, monkeypatch):
    settings.PISTA_PAGE_CACHE = True
    monkeypatch.setattr(store, "_retry_at", 0.0)


def _event(community, title: str, slug: str = "night") -> Event:
    with schema_context(community.schema_name):
        return EventFactory(title=title, slug=slug, starts_at=timezone.now() + timedelta(days=7))


def test_a_repeated_anonymous_request_is_answered_without_the_database(
    community_a, client_a, django_assert_num_queries
):
    _event(community_a, "Moonlight social")
    first = client_a.get("/events/night/")
    assert first.status_code == 200 and "Moonlight social" in first.content.decode()
    with django_assert_num_queries(0):
        again = client_a.get("/events/night/")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Language"] == "en" and "Accept-Language" in again["Vary"]


def test_an_event_edited_through_its_service_shows_on_the_next_request(
    community_a, client_a, django_capture_on_commit_callbacks
):
    event = _event(community_a, "Moonlight social")
    client_a.get("/events/")
    assert "Moonlight social" in client_a.get("/events/night/").content.decode()
    with schema_context(community_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        event_update(actor=None, event=event, title="Sunrise social")
    assert "Sunrise social" in client_a.get("/events/night/").content.decode()
    assert "Sunrise social" in client_a.get("/events/").content.decode()


def test_a_published_page_shows_on_the_next_request(
    community_a, client_a, django_capture_on_commit_callbacks
):
    assert "Fresh words" not in client_a.get("/").content.decode()
    with schema_context(community_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        home = HomePage.objects.get()
        home.intro = "<p>Fresh words</p>"
        home.save_revision().publish()
    assert "Fresh words" in client_a.get("/").content.decode()


def test_a_branding_change_shows_on_the_next_request(
    community_a, client_a, django_capture_on_commit_callbacks
):
    assert "#123456" not in client_a.get("/events/").content.decode()
    with schema_context(community_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        branding_update(
            site=Site.objects.get(is_default_site=True),
            theme=community_a.theme,
            primary_colour="#123456",
        )
    assert "#123456" in client_a.get("/events/").content.decode()


_CHROME_TABLES = (
    "wagtailcore_site",
    "themes_brandingsettings",
    "cms_footersettings",
    "wagtailcore_pageviewrestriction",
    "wagtailcore_locale",
)


def test_signed_in_pages_take_the_site_chrome_from_the_cache_until_it_changes(
    community_a, client_a, django_capture_on_commit_callbacks
):
    with schema_context(community_a.schema_name):
        member = UserFactory(display_name="Mila")
    login(client_a, community_a, member)
    client_a.get("/events/")
    with CaptureQueriesContext(connection) as queries:
        page = client_a.get("/events/").content.decode()
    assert "Mila" in page
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert not [table for table in _CHROME_TABLES if f'"{table}"' in tables]
    with schema_context(community_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        footer = FooterSettings.for_site(Site.objects.get(is_default_site=True))
        footer.text = "<p>Call us on Sundays</p>"
        footer.save()
    assert "Call us on Sundays" in client_a.get("/events/").content.decode()


def test_a_community_never_gets_another_communitys_page_at_the_same_address(
    community_a, community_b, client_a, client_b
):
    _event(community_a, "Alpha's night")
    _event(community_b, "Beta's night")
    for _ in range(2):
        alpha = client_a.get("/events/night/").content.decode()
        beta = client_b.get("/events/night/").content.decode()
        assert "Alpha&#x27;s night" in alpha and "Beta" not in alpha
        assert "Beta&#x27;s night" in beta and "Alpha" not in beta
        assert "Alpha Salsa" in client_a.get("/").content.decode()
        assert "Beta Tango" in client_b.get("/").content.decode()


def _stale_event(community, client: Client) -> Event:
    """An event whose page is cached, then renamed behind the services' back:
    only a request that bypasses the cache sees the new title."""
    event = _event(community, "Cached title")
    assert "Cached title" in client.get("/events/night/").content.decode()
    with schema_context(community.schema_name):
        Event.objects.filter(pk=event.pk).update(title="Fresh title")
    assert (
        "Cached title"
        in Client(HTTP_HOST=community_host(community)).get("/events/night/").content.decode()
    )
    return event


def test_addresses_with_a_query_string_are_rendered_every_time(community_a, client_a):
    _stale_event(community_a, client_a)
    for query in ("?code=x", "?utm_source=x", "?lang=en"):
        assert "Fresh title" in client_a.get(f"/events/night/{query}").content.decode()
        assert not client_a.get(f"/events/night/{query}").has_header("ETag")


def test_signed_in_members_and_visitors_with_a_session_are_never_served_cached_pages(
    community_a, client_a
):
    _stale_event(community_a, client_a)
    with schema_context(community_a.schema_name):
        member = UserFactory(display_name="Mila")
    login(client_a, community_a, member)
    assert "Fresh title" in client_a.get("/events/night/").content.decode()
    with_session = Client(HTTP_HOST=community_host(community_a))
    with_session.cookies["sessionid"] = "anything"
    assert "Fresh title" in with_session.get("/events/night/").content.decode()


def test_a_signed_in_members_page_is_never_kept_for_anonymous_visitors(community_a, client_a):
    _event(community_a, "Members' night")
    with schema_context(community_a.schema_name):
        organizer = organizer_create(display_name="Olga")
    login(client_a, community_a, organizer)
    assert "Olga" in client_a.get("/events/night/").content.decode()
    anonymous = Client(HTTP_HOST=community_host(community_a)).get("/events/night/")
    assert "Olga" not in anonymous.content.decode()


def test_a_page_and_a_feed_answer_304_to_their_etag_and_200_to_a_bad_header(community_a, client_a):
    _event(community_a, "Moonlight social")
    for path in ("/events/night/", "/events/feed.ics", "/"):
        first = client_a.get(path)
        etag = first["ETag"]
        again = client_a.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b"", path
        assert again["ETag"] == etag
        for bad in ('"unterminated', "W/", ",,,", "x" * 2000, etag.strip('"')):
            answer = client_a.get(path, HTTP_IF_NONE_MATCH=bad)
            assert answer.status_code == 200 and answer.content == first.content, (path, bad)


def test_pages_render_uncached_while_redis_is_down(settings, community_a, client_a):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.PISTA_PAGE_CACHE_RETRY_SECONDS = 0
    event = _event(community_a, "Offline social")
    for title in ("Offline social", "Renamed social"):
        response = client_a.get("/events/night/")
        assert response.status_code == 200 and title in response.content.decode()
        with schema_context(community_a.schema_name):
            Event.objects.filter(pk=event.pk).update(title="Renamed social")
    assert client_a.get("/").status_code == 200
    assert store._retry_at > 0  # the failures were noticed (the breaker tripped)


def test_availability_on_an_event_page_is_at_most_its_short_lifetime_behind(
    settings, monkeypatch, community_a, client_a
):
    settings.PISTA_PAGE_CACHE_AVAILABILITY_SECONDS = 1
    monkeypatch.setattr(random, "random", lambda: 0.0)  # no early renewal: the test decides
    event = _event(community_a, "Tiny class")
    with schema_context(community_a.schema_name):
        quota = quota_create(actor=None, name="Room", size=1, event=event)
        product_create(
            actor=None,
            name="Entry",
            price_minor=1000,
            event=event,
            quotas=[quota],
            status=Product.Status.PUBLISHED,
        )
    assert "Sold out" not in client_a.get("/events/night/").content.decode()
    with schema_context(community_a.schema_name):
        Quota.objects.filter(pk=quota.pk).update(sold=1)  # a sale: no invalidation
    assert "Sold out" not in client_a.get("/events/night/").content.decode()
    time.sleep(1.2)  # the entry's lifetime lapses in Redis
    assert "Sold out" in client_a.get("/events/night/").content.decode()


def test_a_page_close_to_expiry_is_rendered_again_by_one_request_and_stored(
    settings, monkeypatch, community_a, client_a, django_assert_num_queries
):
    settings.PISTA_PAGE_CACHE_AVAILABILITY_SECONDS = 1
    event = _event(community_a, "Early social")
    client_a.get("/events/night/")
    with schema_context(community_a.schema_name):
        Event.objects.filter(pk=event.pk).update(title="Renewed social")
    time.sleep(0.9)  # close to its expiry: a render's time times the wait reaches it
    with monkeypatch.context() as patched:
        patched.setattr(random, "random", lambda: 1.0 - 2**-53)  # the longest wait: renew
        assert "Renewed social" in client_a.get("/events/night/").content.decode()
    monkeypatch.setattr(random, "random", lambda: 0.0)
    with django_assert_num_queries(0):
        assert "Renewed social" in client_a.get("/events/night/").content.decode()


def test_renewal_before_expiry_grows_likelier_as_expiry_nears(monkeypatch):
    entry = PageEntry(
        generation="g",
        headers=(),
        body=b"",
        nonce=None,
        csrf=None,
        digest=None,
        view_name="",
        route="",
        expires_at=time.time() + 60,
        render_seconds=0.1,
    )
    monkeypatch.setattr(random, "random", lambda: 1.0 - 2**-53)  # the longest wait (3.7 s)
    assert not entry_refresh_due(entry)
    assert entry_refresh_due(dataclasses.replace(entry, expires_at=time.time() + 2))
    monkeypatch.setattr(random, "random", lambda: 0.0)
    assert not entry_refresh_due(dataclasses.replace(entry, expires_at=time.time() + 0.5))
    assert entry_refresh_due(dataclasses.replace(entry, expires_at=time.time() - 0.01))


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def test_each_visitor_gets_a_csrf_token_of_their_own_from_a_cached_page(
    community_a, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The language switcher is a form: a cached page must carry each
    visitor's own token, one their next POST is accepted with."""
    with django_capture_on_commit_callbacks(execute=True):
        community_languages_set(community=community_a, languages=["es"])
    host = community_host(community_a)
    first = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    first_token = _TOKEN.search(first.get("/events/").content.decode())[1]
    second = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        page = second.get("/events/")
    second_token = _TOKEN.search(page.content.decode())[1]
    assert second_token != first_token
    assert "csrftoken" in page.cookies
    switched = second.post(
        "/language/", {"language": "es", "next": "/events/", "csrfmiddlewaretoken": second_token}
    )
    assert switched.status_code == 302
    # A visitor keeps their secret: a token of theirs, with the same weak tag.
    returning = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    returning.get("/events/")
    tags = {returning.get("/events/")["ETag"] for _ in range(2)}
    assert len(tags) == 1 and tags.pop().startswith("W/")
    refused = Client(HTTP_HOST=host, enforce_csrf_checks=True).post(
        "/language/", {"language": "es", "next": "/", "csrfmiddlewaretoken": second_token}
    )
    assert refused.status_code == 403


_NONCE_ATTRIBUTE = re.compile(r'nonce="([^"]+)"')
_NONCE_SOURCE = re.compile(r"'nonce-([^']+)'")


def test_a_cached_page_gets_a_fresh_csp_nonce_in_its_body_and_header(settings, client_a):
    from tests.pista import pagecache_urls

    settings.ROOT_URLCONF = "tests.pista.pagecache_urls"
    pagecache_urls.RENDERED.clear()
    nonces = []
    for _ in range(3):
        response = client_a.get("/nonce-page/")
        body_nonce = _NONCE_ATTRIBUTE.search(response.content.decode())[1]
        assert _NONCE_SOURCE.search(response["Content-Security-Policy"])[1] == body_nonce
        assert not response.has_header("ETag")  # a 304 would keep an old nonce's body
        nonces.append(body_nonce)
    assert len(pagecache_urls.RENDERED) == 1  # rendered once, then served from the cache
    assert len(set(nonces)) == 3


def test_a_page_showing_a_csrf_token_outside_its_forms_is_never_stored(settings, client_a):
    from tests.pista import pagecache_urls

    settings.ROOT_URLCONF = "tests.pista.pagecache_urls"
    pagecache_urls.RENDERED.clear()
    for _ in range(2):
        assert client_a.get("/token-elsewhere/").status_code == 200
    assert len(pagecache_urls.RENDERED) == 2
