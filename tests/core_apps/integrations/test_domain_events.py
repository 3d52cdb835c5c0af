"""Domain events reach webhook subscriptions once, in the transaction of the
change that caused them: ``booking.confirmed`` (artist and space bookings),
``member.joined`` (sign-up) and ``order.paid`` (however often payment is
confirmed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.artists.services import artist_booking_accept, artist_booking_request
from core_apps.integrations import webhooks
from core_apps.integrations.models import WebhookDelivery
from core_apps.orders.models import Order
from core_apps.orders.services.checkout import LineIn, order_checkout
from core_apps.orders.services.payments import order_mark_paid, order_pay_simulated
from core_apps.venues.services import space_booking_approve, space_booking_request
from tests.conftest import PASSWORD
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.core_apps.integrations.conftest import owner_of
from tests.core_apps.venues.factories import (
    ArtistFactory,
    SpaceFactory,
    VenueFactory,
    berlin,
    user_with_role,
)

pytestmark = pytest.mark.django_db
HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture
def subscribed() -> Iterator[None]:
    """Community A subscribed to every event type (nothing is sent: the
    deliveries wait in the outbox)."""
    with override_settings(PISTA_WEBHOOK_ALLOWED_TARGETS=["127.0.0.1:9"]):
        yield


def _subscribe(community, events: list[str]) -> None:
    with schema_context(community.schema_name):
        webhooks.webhook_subscribe(actor=owner_of(community), url=HOOK, event_types=events)


def _deliveries(community, event_type: str) -> list[dict]:
    with schema_context(community.schema_name):
        return list(
            WebhookDelivery.objects.filter(event_type=event_type).values_list("payload", flat=True)
        )


def test_an_accepted_artist_booking_announces_booking_confirmed(community_a, subscribed):
    _subscribe(community_a, ["booking.confirmed"])
    with schema_context(community_a.schema_name):
        teacher = user_with_role(Role.TEACHER)
        organizer = user_with_role(Role.ORGANIZER)
        booking = artist_booking_request(
            organizer=organizer,
            artist=ArtistFactory(user=teacher),
            title="Spring festival",
            starts_at=berlin(2031, 4, 11, 10),
            ends_at=berlin(2031, 4, 13, 18),
            fee_minor=80000,
            currency="EUR",
        )
        assert WebhookDelivery.objects.count() == 0  # requested, not confirmed
        artist_booking_accept(actor=teacher, booking=booking)
    [payload] = _deliveries(community_a, "booking.confirmed")
    assert payload["data"]["kind"] == "artist" and payload["data"]["booking"] == booking.pk


def test_an_approved_space_booking_announces_booking_confirmed(
    community_a, community_b, subscribed
):
    _subscribe(community_a, ["booking.confirmed"])
    _subscribe(community_b, ["booking.confirmed"])
    with schema_context(community_a.schema_name):
        manager = user_with_role(Role.VENUE_MANAGER)
        space = SpaceFactory(venue=VenueFactory(managers=[manager]))
        booking = space_booking_request(
            requester=user_with_role(Role.ORGANIZER),
            space=space,
            title="Class",
            starts_at=berlin(2031, 5, 6, 18),
            ends_at=berlin(2031, 5, 6, 20),
        )[0]
        if booking.status != "confirmed":
            space_booking_approve(actor=manager, booking=booking)
    [payload] = _deliveries(community_a, "booking.confirmed")
    assert payload["data"] == payload["data"] | {"kind": "space", "booking": booking.pk}
    assert _deliveries(community_b, "booking.confirmed") == []


def test_a_sign_up_announces_member_joined(client_a, community_a, subscribed):
    _subscribe(community_a, ["member.joined"])
    response = client_a.post(
        "/accounts/signup/",
        {"email": "joiner@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    [payload] = _deliveries(community_a, "member.joined")
    with schema_context(community_a.schema_name):
        from core_apps.accounts.models import User

        assert payload["data"]["member"] == User.objects.get(email="joiner@example.org").pk


def test_order_paid_is_announced_once_however_often_payment_is_confirmed(community_a, subscribed):
    _subscribe(community_a, ["order.paid"])
    with schema_context(community_a.schema_name):
        event = EventFactory()
        product = ProductFactory(event=event, quotas=[QuotaFactory(size=5, event=event)])
        order = order_checkout(
            email="ana@example.org",
            name="Ana",
            lines=[LineIn(product_id=product.pk, quantity=1)],
            provider=Order.Provider.SIMULATED,
        ).order
        assert order is not None
        card = "4242 4242 4242 4242"
        order_pay_simulated(order=order, card_number=card)
        # The buyer's second click, a redelivered provider notification, staff.
        order_pay_simulated(order=Order.objects.get(pk=order.pk), card_number=card)
        order_mark_paid(order=Order.objects.get(pk=order.pk), actor=None, provider="simulated")
        order_mark_paid(
            order=Order.objects.get(pk=order.pk), actor=owner_of(community_a), provider="manual"
        )
        assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    [payload] = _deliveries(community_a, "order.paid")
    assert payload["data"]["order"] == order.code
