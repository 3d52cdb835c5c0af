"""The back office's check-in pages: lists per event, the scanner with live
counts, search, undo, times in the event's zone, and the tenant boundary."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import schema_context

from core_apps.events.models import EventDate
from core_apps.orders.models import CheckIn, CheckinList
from core_apps.orders.services import (
    LineIn,
    checkin_list_create,
    order_checkout,
    order_mark_paid,
)
from core_apps.privacy.models import AuditEntry
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def _paid(product, name="Ana"):
    result = order_checkout(
        email=f"{name.lower()}@example.org",
        name=name,
        provider="manual",
        lines=[LineIn(product_id=product.pk, quantity=1)],
    )
    order_mark_paid(order=result.order, actor=None, provider="manual", reference="t")
    return result.order.positions.get()


@pytest.fixture
def staff(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


@pytest.fixture
def festival(in_a):
    first = datetime(2031, 7, 3, 18, tzinfo=TOKYO)
    event = EventFactory(
        title="Tokyo Swing Festival",
        time_zone="Asia/Tokyo",
        starts_at=first,
        ends_at=first + timedelta(hours=6),
        with_date=False,
    )
    for day in range(3):
        start = first + timedelta(days=day)
        EventDate.objects.create(
            event=event, starts_at=start, ends_at=start + timedelta(hours=6), original_start=start
        )
    product = ProductFactory(name="Full pass", kind="pass", event=event, quotas=[QuotaFactory()])
    return event, product


def test_per_date_lists_then_scan_a_pass_on_two_days_and_refuse_the_second_scan(
    festival, staff, client_a
):
    event, product = festival
    position = _paid(product, "Frida")
    page = client_a.get("/manage/checkin/").content.decode()
    assert "Tokyo Swing Festival" in page and "JST" in page
    made = client_a.post(f"/manage/checkin/events/{event.pk}/per-date/")
    assert made.status_code == 302
    day1, day2, _ = CheckinList.objects.filter(event=event).order_by("event_date__starts_at")
    ok1 = client_a.post(f"/manage/checkin/{day1.pk}/", {"secret": position.secret, "location": "A"})
    assert ok1.status_code == 200 and "checkin-ok" in ok1.content.decode()
    ok2 = client_a.post(f"/manage/checkin/{day2.pk}/", {"secret": position.secret, "location": "B"})
    assert ok2.status_code == 200 and "Frida" in ok2.content.decode()
    again = client_a.post(f"/manage/checkin/{day2.pk}/", {"secret": position.secret})
    html = again.content.decode()
    assert again.status_code == 409 and 'data-code="already_checked_in"' in html
    # When it was first scanned, in the event's zone, the zone named.
    assert "checkin-first-at" in html and "JST" in html and "@ B" in html
    counts = client_a.get(f"/manage/checkin/{day2.pk}/counts.json").json()
    assert counts == {"admitted": 1, "admitted_now": 1, "expected": 1, "percent": 100}
    assert AuditEntry.objects.filter(action="ticket.check_in").count() == 2
    assert AuditEntry.objects.filter(action="checkin_list.create").count() == 3


def test_a_ticket_of_another_event_is_refused_on_the_scanner(festival, staff, client_a):
    event, _ = festival
    other_product = ProductFactory(event=EventFactory(title="Milonga"), quotas=[QuotaFactory()])
    position = _paid(other_product)
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    response = client_a.post(f"/manage/checkin/{checkin_list.pk}/", {"secret": position.secret})
    html = response.content.decode()
    assert response.status_code == 409 and 'data-code="wrong_event"' in html
    assert "another event" in html
    assert not CheckIn.objects.exists()


def test_search_finds_by_name_and_says_no_match(festival, staff, client_a):
    event, product = festival
    _paid(product, "Zelda")
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    found = client_a.get(f"/manage/checkin/{checkin_list.pk}/?q=zel").content.decode()
    assert "Zelda" in found and "checkin-no-match" not in found
    none = client_a.get(f"/manage/checkin/{checkin_list.pk}/?q=nobody").content.decode()
    assert "checkin-no-match" in none and "No match" in none


def test_undo_from_the_scanner_is_audited(festival, staff, client_a):
    event, product = festival
    position = _paid(product)
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    client_a.post(f"/manage/checkin/{checkin_list.pk}/", {"secret": position.secret})
    checkin = CheckIn.objects.get()
    undone = client_a.post(f"/manage/checkin/{checkin_list.pk}/checkins/{checkin.pk}/undo/")
    assert undone.status_code == 302
    checkin.refresh_from_db()
    assert checkin.undone_at is not None and checkin.undone_by == staff
    assert AuditEntry.objects.get(action="ticket.check_in_undo").actor == staff


def test_list_form_saves_through_the_service_and_refuses_bad_input(festival, staff, client_a):
    event, product = festival
    other_date = EventFactory().dates.get()
    bad = client_a.post(
        f"/manage/checkin/events/{event.pk}/new/", {"name": "X", "event_date": other_date.pk}
    )
    assert bad.status_code == 400 and not CheckinList.objects.exists()
    empty = client_a.post(f"/manage/checkin/events/{event.pk}/new/", {"name": ""})
    assert empty.status_code == 400
    made = client_a.post(
        f"/manage/checkin/events/{event.pk}/new/",
        {"name": "VIP", "products": [product.pk], "is_active": "on"},
    )
    checkin_list = CheckinList.objects.get()
    assert made["Location"] == f"/manage/checkin/{checkin_list.pk}/"
    assert list(checkin_list.products.all()) == [product]
    edit = client_a.post(
        f"/manage/checkin/{checkin_list.pk}/edit/", {"name": "VIP closed", "products": []}
    )
    assert edit.status_code == 302
    checkin_list.refresh_from_db()
    assert checkin_list.name == "VIP closed" and not checkin_list.is_active
    assert AuditEntry.objects.filter(action="checkin_list.update").count() == 1


def test_another_communitys_lists_are_not_reachable(festival, staff, client_b, community_b):
    event, product = festival
    position = _paid(product)
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    with schema_context(community_b.schema_name):
        staff_b = organizer_create()
    login(client_b, community_b, staff_b)
    assert "Tokyo Swing Festival" not in client_b.get("/manage/checkin/").content.decode()
    assert client_b.get(f"/manage/checkin/{checkin_list.pk}/").status_code == 404
    refused = client_b.post(f"/manage/checkin/{checkin_list.pk}/", {"secret": position.secret})
    assert refused.status_code == 404
    assert client_b.get(f"/manage/checkin/{checkin_list.pk}/counts.json").status_code == 404
    with schema_context("alpha"):
        assert not CheckIn.objects.exists()
