"""An event or product of community A does not exist for community B."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core_apps.events.models import Event, EventDate
from core_apps.ticketing.models import Product, Quota
from core_apps.ticketing.services import product_create, quota_create
from tests.core_apps.events.factories import EventFactory, organizer_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_in_a(community_a):
    with schema_context(community_a.schema_name):
        event = EventFactory(title="Alpha-only social", slug="alpha-only-social")
        quota = quota_create(actor=None, name="Alpha hall", size=10, event=event)
        product = product_create(
            actor=None,
            name="Alpha ticket",
            price_minor=500,
            event=event,
            quotas=[quota],
            status=Product.Status.PUBLISHED,
        )
    return event, quota, product


def test_the_orm_in_b_does_not_see_a_s_events_or_products(catalogue_in_a, community_b):
    event, _quota, _product = catalogue_in_a
    with schema_context(community_b.schema_name):
        assert not Event.objects.filter(slug=event.slug).exists()
        assert not EventDate.objects.filter(event_id=event.pk).exists()
        assert not Product.objects.filter(name="Alpha ticket").exists()
        assert not Quota.objects.filter(name="Alpha hall").exists()


def test_b_s_pages_and_feed_do_not_show_a_s_event(catalogue_in_a, client_a, client_b):
    event, _, _ = catalogue_in_a
    assert client_a.get(f"/events/{event.slug}/").status_code == 200
    assert client_b.get(f"/events/{event.slug}/").status_code == 404
    assert client_b.get(f"/events/{event.slug}/event.ics").status_code == 404
    assert "Alpha-only social" not in client_b.get("/events/").content.decode()
    assert b"Alpha-only social" not in client_b.get("/events/feed.ics").content


def test_b_s_api_does_not_serve_a_s_ids(catalogue_in_a, client_a, client_b):
    event, _quota, _product = catalogue_in_a
    assert client_a.get(f"/api/v1/events/{event.pk}/").status_code == 200
    response = client_b.get(f"/api/v1/events/{event.pk}/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert client_b.get("/api/v1/events/").json()["count"] == 0


def test_an_organizer_of_b_cannot_touch_a_s_catalogue_by_id(
    catalogue_in_a, community_a, in_b, client_b
):
    event, quota, product = catalogue_in_a
    client_b.force_login(organizer_create())
    for url, payload in [
        (f"/api/v1/events/{event.pk}/", {"title": "Hijacked"}),
        (f"/api/v1/products/{product.pk}/", {"price_minor": 1}),
        (f"/api/v1/quotas/{quota.pk}/", {"size": 1000}),
    ]:
        response = client_b.patch(url, payload, content_type="application/json")
        assert response.status_code == 404, url
    assert (
        client_b.post(
            "/api/v1/products/",
            {"name": "Sneaky", "price_minor": 100, "quotas": [quota.pk]},
            content_type="application/json",
        ).status_code
        == 400
    )  # quota id unknown in B
    with schema_context(community_a.schema_name):
        assert Event.objects.get(pk=event.pk).title == "Alpha-only social"
