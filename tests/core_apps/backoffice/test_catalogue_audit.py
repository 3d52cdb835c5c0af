"""The event and catalogue pages of the back office write through the services:
each write leaves an audit entry, and the services' rules apply (cancelling an
event refunds its paid orders)."""

from __future__ import annotations

import pytest

from core_apps.events.models import Event
from core_apps.orders.models import Order
from core_apps.orders.services import LineIn, order_checkout, order_mark_paid
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Product, Quota
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)
from tests.core_apps.events.test_pages import FORM as EVENT_FORM
from tests.core_apps.ticketing.test_back_office import PRODUCT, QUOTA

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


def _entries(action: str, target) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        )
    )


def test_event_writes_are_audited(client_a, organizer):
    assert client_a.post("/manage/events/new/", EVENT_FORM).status_code == 302
    event = Event.objects.get(title="Kizomba lab")
    assert _entries("event.create", event)[0].actor == organizer
    client_a.post(f"/manage/events/{event.pk}/publish/")
    update = _entries("event.update", event)[0]
    assert update.data == {"fields": ["status"], "status": "published"}
    date = event.dates.all()[1]
    client_a.post(f"/manage/events/dates/{date.pk}/cancel/")
    assert _entries("event.date_cancel", event)[0].data["date"] == date.pk


def test_cancelling_an_event_in_the_back_office_refunds_its_paid_orders(
    client_a, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory()
    product = ProductFactory(event=event, price_minor=2000, quotas=[QuotaFactory()])
    order = order_checkout(
        email="ana@example.org",
        name="Ana",
        provider="manual",
        lines=[LineIn(product_id=product.pk, quantity=1)],
    ).order
    order_mark_paid(order=order, actor=None, provider="manual")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/manage/events/{event.pk}/cancel/")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded_minor == 2000
    assert _entries("event.cancel", event)[0].actor == organizer
    assert _entries("order.refund", order)


def test_catalogue_writes_are_audited(client_a, organizer):
    client_a.post("/manage/catalogue/quotas/new/", QUOTA)
    hall = Quota.objects.get(name="Hall")
    assert _entries("quota.create", hall)[0].actor == organizer
    client_a.post("/manage/catalogue/products/new/", {**PRODUCT, "quotas": [hall.pk]})
    product = Product.objects.get(name="Party pass")
    assert _entries("product.create", product)[0].data["price_minor"] == 6000
    client_a.post(f"/manage/catalogue/products/{product.pk}/publish/")
    assert _entries("product.update", product)[0].data["status"] == "published"
