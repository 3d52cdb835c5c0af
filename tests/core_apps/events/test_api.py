"""The events API: public list and detail, organizer writes, bad input as 400s."""

from __future__ import annotations

import pytest

from core_apps.events.models import Event
from core_apps.ticketing.models import Product, RoleMode
from core_apps.ticketing.services import product_create, quota_create, quotas_reserve
from tests.core_apps.events.factories import EventFactory, organizer_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "title": "Bachata bootcamp",
    "kind": "workshop",
    "starts_at": "2030-05-01T19:00:00+02:00",
    "ends_at": "2030-05-01T21:00:00+02:00",
    "time_zone": "Europe/Berlin",
    "recurrence": "FREQ=WEEKLY;COUNT=3",
    "status": "published",
}


@pytest.fixture
def organizer_a(in_a, client_a):
    user = organizer_create()
    client_a.force_login(user)
    return user


def test_the_list_is_paginated_and_shows_only_published_listed_events(in_a, client_a):
    shown = EventFactory(title="Shown")
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(visibility=Event.Visibility.UNLISTED)
    EventFactory(visibility=Event.Visibility.MEMBERS)
    response = client_a.get("/api/v1/events/?page_size=10")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    assert (item["id"], item["title"]) == (shown.pk, "Shown")
    assert item["next_dates"][0]["starts_at"].startswith("2030-")


def test_the_detail_shows_dates_products_and_what_is_left_per_role(in_a, client_a):
    event = EventFactory()
    quota = quota_create(
        actor=None,
        name="Class",
        size=10,
        event=event,
        role_mode=RoleMode.LEAD_FOLLOW,
        max_difference=1,
    )
    product_create(
        actor=None,
        name="Drop-in",
        price_minor=1200,
        event=event,
        quotas=[quota],
        status=Product.Status.PUBLISHED,
    )
    quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="follow")
    response = client_a.get(f"/api/v1/events/{event.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert len(body["dates"]) == 1
    [product] = body["products"]
    assert product["price"] == {"minor": 1200, "currency": "EUR", "tier": None}
    assert product["availability"]["left"] == 9
    assert product["availability"]["roles"] == {"lead": "available", "follow": "waitlist"}
    # A leader evens the count, a second one is within a difference of one.
    assert product["availability"]["role_left"] == {"lead": 2, "follow": 0}


def test_hidden_products_appear_only_with_their_code(in_a, client_a):
    event = EventFactory()
    quota = quota_create(actor=None, name="Q", size=5)
    product_create(
        actor=None,
        name="Crew ticket",
        price_minor=0,
        event=event,
        quotas=[quota],
        status=Product.Status.PUBLISHED,
        is_hidden=True,
        unlock_code="CREW",
    )
    assert client_a.get(f"/api/v1/events/{event.pk}/").json()["products"] == []
    unlocked = client_a.get(f"/api/v1/events/{event.pk}/?code=crew").json()["products"]
    assert [p["name"] for p in unlocked] == ["Crew ticket"]


def test_an_organizer_creates_and_updates_an_event_with_its_dates(organizer_a, client_a):
    response = client_a.post("/api/v1/events/", EVENT, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["dates"]) == 3
    response = client_a.patch(
        f"/api/v1/events/{body['id']}/",
        {"recurrence": "FREQ=WEEKLY;COUNT=5", "description": "<p>Hi<script>x()</script></p>"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["dates"]) == 5
    assert response.json()["description"] == "<p>Hi</p>"


def test_a_member_without_the_organizer_role_may_not_create_events(in_a, client_a):
    client_a.force_login(UserFactory())
    response = client_a.post("/api/v1/events/", EVENT, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Event.objects.filter(title=EVENT["title"]).exists()


def test_anonymous_visitors_may_not_write(in_a, client_a):
    response = client_a.post("/api/v1/events/", EVENT, content_type="application/json")
    assert response.status_code == 403
    assert "code" in response.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2030-05-01T18:00:00+02:00"}, "ends_at"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;UNTIL=20200101T000000Z"}, "recurrence"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"starts_at": "not a date"}, "starts_at"),
    ],
)
def test_bad_event_input_is_a_400_with_a_code_and_the_field(organizer_a, client_a, changes, field):
    response = client_a.post(
        "/api/v1/events/", {**EVENT, **changes}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]


def _quota_id(client, **extra):
    response = client.post(
        "/api/v1/quotas/", {"name": "Hall", "size": 100, **extra}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_an_organizer_creates_publishes_and_reads_a_product(organizer_a, client_a):
    quota_id = _quota_id(client_a)
    response = client_a.post(
        "/api/v1/products/",
        {"name": "Full pass", "kind": "pass", "price_minor": 14900, "quotas": [quota_id]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    product = response.json()
    assert (product["currency"], product["status"]) == ("EUR", "draft")
    response = client_a.patch(
        f"/api/v1/products/{product['id']}/",
        {"status": "published"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_an_organizer_creates_a_product_with_early_bird_tiers_and_questions(organizer_a, client_a):
    response = client_a.post(
        "/api/v1/products/",
        {
            "name": "Full pass",
            "kind": "pass",
            "price_minor": 14900,
            "tiers": [{"name": "Early bird", "price_minor": 9900, "first_n": 50}],
            "questions": [
                {"label": "Role", "kind": "choice", "choices": ["Lead", "Follow"], "required": True}
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["price"] == {"minor": 9900, "currency": "EUR", "tier": "Early bird"}
    assert body["questions"][0]["choices"] == ["Lead", "Follow"]
    response = client_a.patch(
        f"/api/v1/products/{body['id']}/", {"tiers": []}, content_type="application/json"
    )
    assert response.json()["price"]["tier"] is None


def test_a_tier_below_zero_is_a_400_on_tiers(organizer_a, client_a):
    response = client_a.post(
        "/api/v1/products/",
        {"name": "T", "price_minor": 100, "tiers": [{"name": "Bad", "price_minor": -1}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "tiers" in response.json()["errors"]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"price_minor": -1}, "price_minor"),
        ({"price_minor": 25_409_982_828_720}, "price_minor"),  # beyond any column
        ({"checkins": 2**40}, "checkins"),
        ({"currency": "USD"}, "currency"),
        ({"min_per_order": 4, "max_per_order": 2}, "max_per_order"),
        ({"tax_rate": "120"}, "tax_rate"),
        ({"is_hidden": True}, "unlock_code"),
        (
            {"sale_starts_at": "2030-01-02T00:00:00Z", "sale_ends_at": "2030-01-01T00:00:00Z"},
            "sale_ends_at",
        ),
        ({"kind": "class_pack"}, "checkins"),
        ({"price_minor": "ten"}, "price_minor"),
    ],
)
def test_bad_product_input_is_a_400_with_a_code_and_the_field(
    organizer_a, client_a, payload, field
):
    response = client_a.post(
        "/api/v1/products/",
        {"name": "Ticket", "price_minor": 1000, **payload},
        content_type="application/json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Product.objects.exists()


def test_a_published_product_on_a_quota_of_zero_is_refused(organizer_a, client_a):
    empty = _quota_id(client_a, size=0)
    response = client_a.post(
        "/api/v1/products/",
        {"name": "Ticket", "price_minor": 1000, "quotas": [empty], "status": "published"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "quotas" in response.json()["errors"]


def test_a_quota_used_by_a_published_product_cannot_shrink_to_zero(organizer_a, client_a):
    quota_id = _quota_id(client_a)
    client_a.post(
        "/api/v1/products/",
        {"name": "T", "price_minor": 1000, "quotas": [quota_id], "status": "published"},
        content_type="application/json",
    )
    response = client_a.patch(
        f"/api/v1/quotas/{quota_id}/", {"size": 0}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "size" in response.json()["errors"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"balance_policy": "ratio", "max_ratio": "0.8"}, "max_ratio"),
        ({"max_difference": 0}, "max_difference"),
        ({"size": -3}, "size"),
        ({"grace": -1}, "grace"),
    ],
)
def test_bad_quota_input_is_a_400_with_a_code_and_the_field(organizer_a, client_a, payload, field):
    response = client_a.post(
        "/api/v1/quotas/",
        {"name": "Class", "size": 10, **payload},
        content_type="application/json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_an_unknown_event_or_bad_filter_is_json_not_html(in_a, client_a):
    assert client_a.get("/api/v1/events/999999/").json()["code"] == "not_found"
    response = client_a.get("/api/v1/events/?from=yesterday")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
