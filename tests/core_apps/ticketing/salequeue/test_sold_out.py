"""A line for an event with nothing left to sell says so to its waiting
visitors (status, page), and stops saying so once places come back; only for
that community's event; and what counts as "nothing left"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.ticketing.models import Product
from core_apps.ticketing.salequeue.line import line_sold_out_set
from core_apps.ticketing.salequeue.selectors import event_sold_out
from core_apps.ticketing.services import product_create, quota_update
from tests.conftest import community_host
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.core_apps.ticketing.salequeue.conftest import Queued, line_age, queue_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(in_a, django_capture_on_commit_callbacks) -> Queued:
    """A queued party whose 2 places are gone, admitting 1 visitor a minute."""
    event = EventFactory()
    quota = QuotaFactory(name="Party", size=2, sold=2, event=event)
    product = ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])
    queue_on(event, django_capture_on_commit_callbacks, rate_per_minute=1)
    return Queued(event=event, product=product, schema=in_a.schema_name)


def _checkout(client: Client, product: Product):
    body = {
        "email": "ana@example.org",
        "name": "Ana",
        "provider": "simulated",
        "lines": [{"product": product.pk, "quantity": 1}],
    }
    return client.post("/api/v1/checkout/", body, content_type="application/json")


def _waiting_and_admitted(community_a, queued: Queued) -> tuple[Client, Client]:
    """One visitor admitted (holding a pass), one still waiting behind."""
    first, second = (Client(HTTP_HOST=community_host(community_a)) for _ in range(2))
    first.post(f"{queued.line}join/")
    line_age(queued.schema, queued.event.pk, 3600)
    assert first.get(f"{queued.line}status/").json()["state"] == "admitted"
    second.post(f"{queued.line}join/")
    return first, second


def test_waiting_visitors_hear_it_is_sold_out_until_places_come_back(
    community_a, full, django_capture_on_commit_callbacks
):
    admitted, waiting = _waiting_and_admitted(community_a, full)
    status = waiting.get(f"{full.line}status/").json()
    assert status["state"] == "waiting" and status["sold_out"] is False
    page = waiting.get(full.line).content.decode()
    assert 'class="queue-sold-out" role="status" hidden' in page

    refused = _checkout(admitted, full.product)
    assert refused.status_code == 409 and refused.json()["code"] == "sold_out"

    status = waiting.get(f"{full.line}status/").json()
    assert status["state"] == "waiting" and status["sold_out"] is True
    page = waiting.get(full.line).content.decode()
    assert 'class="queue-sold-out" role="status">' in page
    assert "Everything is sold out for now" in page
    # A visitor arriving now hears it at once.
    late = Client(HTTP_HOST=community_host(community_a))
    assert late.post(f"{full.line}join/").json()["sold_out"] is True

    # The client's requests left the connection on the public schema.
    with schema_context(full.schema), django_capture_on_commit_callbacks(execute=True):
        quota_update(actor=None, quota=full.product.quotas.get(), size=3)
    status = waiting.get(f"{full.line}status/").json()
    assert status["state"] == "waiting" and status["sold_out"] is False


def test_a_new_product_for_the_event_ends_the_notice(
    community_a, full, django_capture_on_commit_callbacks
):
    admitted, waiting = _waiting_and_admitted(community_a, full)
    _checkout(admitted, full.product)
    assert waiting.get(f"{full.line}status/").json()["sold_out"] is True
    with schema_context(full.schema), django_capture_on_commit_callbacks(execute=True):
        product_create(
            actor=None,
            name="Late bird",
            event=full.event,
            price_minor=2000,
            status=Product.Status.PUBLISHED,
            quotas=[QuotaFactory(name="More", size=10, event=full.event)],
        )
    assert waiting.get(f"{full.line}status/").json()["sold_out"] is False


def test_the_notice_is_per_community(community_a, full):
    _, waiting = _waiting_and_admitted(community_a, full)
    # The same event id, marked sold out in community B's lines.
    line_sold_out_set(schema="beta", event_ids=[full.event.pk], sold_out=True)
    assert waiting.get(f"{full.line}status/").json()["sold_out"] is False
    line_sold_out_set(schema=full.schema, event_ids=[full.event.pk], sold_out=True)
    assert waiting.get(f"{full.line}status/").json()["sold_out"] is True


def test_an_event_is_sold_out_when_every_product_selling_has_no_place(in_a):
    event = EventFactory()
    assert not event_sold_out(event_id=event.pk)  # nothing to sell is not "sold out"
    gone = QuotaFactory(name="Gone", size=1, sold=1, event=event)
    open_quota = QuotaFactory(name="Open", size=5, sold=4, event=event)
    ProductFactory(name="Full", event=event, quotas=[gone])
    assert event_sold_out(event_id=event.pk)
    # A product drawing on a full quota and a free one is full too.
    ProductFactory(name="Combo", event=event, quotas=[open_quota, gone])
    assert event_sold_out(event_id=event.pk)
    # Drafts and products whose sale ended are not selling.
    ProductFactory(name="Draft", event=event, quotas=[open_quota], status=Product.Status.DRAFT)
    ProductFactory(
        name="Over",
        event=event,
        quotas=[open_quota],
        sale_ends_at=timezone.now() - timedelta(minutes=1),
    )
    assert event_sold_out(event_id=event.pk)
    ProductFactory(name="Open", event=event, quotas=[open_quota])
    assert not event_sold_out(event_id=event.pk)
    # A product of no quota has no limit.
    unlimited = EventFactory()
    ProductFactory(name="Unlimited", event=unlimited, quotas=[])
    assert not event_sold_out(event_id=unlimited.pk)
