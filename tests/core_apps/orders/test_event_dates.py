"""A ticket to one date of a recurring event: the buyer picks the date at
checkout (HTML and API), the position keeps it, and check-in admits it on
that date only."""

from __future__ import annotations

from datetime import datetime

import pytest

from core_apps.events.models import Event, EventDate
from core_apps.events.services import event_create
from core_apps.orders.models import Order, Position
from core_apps.orders.services import (
    CheckInRefused,
    InvalidEventDate,
    LineIn,
    checkin_list_create,
    order_checkout,
    order_mark_paid,
    position_check_in,
)
from core_apps.ticketing.models import Product
from tests.core_apps.events.factories import BERLIN, ProductFactory, QuotaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly(in_a):
    event = event_create(
        actor=None,
        title="Tuesday class",
        kind=Event.Kind.CLASS,
        status=Event.Status.PUBLISHED,
        time_zone="Europe/Berlin",
        starts_at=datetime(2030, 11, 5, 19, 30, tzinfo=BERLIN),
        ends_at=datetime(2030, 11, 5, 21, 0, tzinfo=BERLIN),
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    quota = QuotaFactory(size=20, event=event)
    return {
        "event": event,
        "dates": list(event.dates.order_by("starts_at")),
        "drop_in": ProductFactory(name="Drop-in", event=event, price_minor=1200, quotas=[quota]),
        "term": ProductFactory(
            name="Whole term", kind=Product.Kind.PASS, event=event, quotas=[quota]
        ),
    }


def _buy(product: Product, event_date_id: int | None) -> Order:
    return order_checkout(
        email="ana@example.org",
        name="Ana",
        provider="simulated",
        lines=[LineIn(product_id=product.pk, quantity=1, event_date_id=event_date_id)],
    ).order


def test_the_date_chosen_is_kept_on_the_ticket(weekly):
    order = _buy(weekly["drop_in"], weekly["dates"][1].pk)
    assert order.positions.get().event_date == weekly["dates"][1]


@pytest.mark.parametrize(
    ("product", "date", "code"),
    [
        ("drop_in", None, "event_date_missing"),
        ("drop_in", "other", "event_date_invalid"),
        ("drop_in", "cancelled", "event_date_invalid"),
        ("term", 0, "event_date_not_needed"),
    ],
)
def test_a_missing_or_wrong_date_is_refused_and_nothing_is_held(weekly, product, date, code):
    from core_apps.events.services import event_date_cancel
    from tests.core_apps.events.factories import EventFactory

    if date == "other":
        date_id = EventFactory().dates.get().pk
    elif date == "cancelled":
        date_id = event_date_cancel(actor=None, event_date=weekly["dates"][2]).pk
    else:
        date_id = None if date is None else weekly["dates"][date].pk
    with pytest.raises(InvalidEventDate) as refused:
        _buy(weekly[product], date_id)
    assert refused.value.code == code
    assert not Order.objects.exists()


def test_the_html_checkout_asks_for_the_date(client_a, weekly):
    url = f"/orders/checkout/{weekly['drop_in'].pk}/"
    page = client_a.get(url).content.decode()
    assert 'name="event_date"' in page and "Tue, Nov 12, 2030" in page
    form = {"name": "Ana", "email": "ana@example.org", "provider": "simulated"}
    refused = client_a.post(url, form)
    assert refused.status_code == 400 and not Order.objects.exists()
    response = client_a.post(url, {**form, "event_date": weekly["dates"][1].pk})
    assert response.status_code == 302
    assert Position.objects.get().event_date == weekly["dates"][1]
    order_page = client_a.get(response["Location"]).content.decode()
    assert "Tue, Nov 12, 2030" in order_page
    # A pass for the whole term asks for no date.
    assert (
        'name="event_date"'
        not in client_a.get(f"/orders/checkout/{weekly['term'].pk}/").content.decode()
    )


def test_the_api_takes_the_date_and_refuses_it_missing(client_a, weekly):
    def post(line: dict):
        return client_a.post(
            "/api/v1/checkout/",
            {
                "email": "ana@example.org",
                "name": "Ana",
                "provider": "simulated",
                "lines": [{"product": weekly["drop_in"].pk, "quantity": 1, **line}],
            },
            content_type="application/json",
        )

    missing = post({})
    assert missing.status_code == 400 and missing.json()["code"] == "event_date_missing"
    assert post({"event_date": weekly["dates"][3].pk}).status_code == 201
    assert Position.objects.get().event_date == weekly["dates"][3]


def test_check_in_admits_the_ticket_on_its_date_only(weekly):
    order = order_mark_paid(
        order=_buy(weekly["drop_in"], weekly["dates"][1].pk), actor=None, provider="simulated"
    )
    secret = order.positions.get().secret
    first, second = weekly["dates"][0], weekly["dates"][1]
    wrong = checkin_list_create(actor=None, event=weekly["event"], name="Nov 5", event_date=first)
    with pytest.raises(CheckInRefused) as refused:
        position_check_in(secret=secret, actor=None, checkin_list=wrong)
    assert refused.value.code == "wrong_date"
    # On the event's list (every date) it counts for its own date, once.
    every = checkin_list_create(actor=None, event=weekly["event"], name="Door")
    admitted = position_check_in(secret=secret, actor=None, checkin_list=every)
    assert admitted.checkin.occurrence == second.original_start
    with pytest.raises(CheckInRefused) as again:
        position_check_in(secret=secret, actor=None, checkin_list=every)
    assert again.value.code == "already_checked_in"
    assert EventDate.objects.filter(pk=second.pk).exists()
