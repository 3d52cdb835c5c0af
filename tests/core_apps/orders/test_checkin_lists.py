"""Check-in lists: a ticket is admitted once per list and date; a festival pass
on each day's list; class packs and memberships; undo; the API for scanner
apps; concurrent scans; the tenant boundary."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.events.models import EventDate
from core_apps.orders.models import CheckIn, CheckinList, Order, Position
from core_apps.orders.services import (
    CheckInRefused,
    InvalidCheckinList,
    LineIn,
    checkin_list_create,
    checkin_list_update,
    checkin_lists_per_date_create,
    order_checkout,
    order_mark_paid,
    position_check_in,
)
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Product, Quota
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _paid_position(product: Product, name: str = "Ana") -> Position:
    result = order_checkout(
        email=f"{name.lower()}@example.org",
        name=name,
        provider="manual",
        lines=[LineIn(product_id=product.pk, quantity=1)],
    )
    assert result.order is not None
    order_mark_paid(order=result.order, actor=None, provider="manual", reference="test")
    return result.order.positions.get()


def _dates(event, starts):
    for start in starts:
        EventDate.objects.create(
            event=event, starts_at=start, ends_at=start + timedelta(hours=8), original_start=start
        )
    return list(event.dates.order_by("starts_at"))


@pytest.fixture
def staff(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


@pytest.fixture
def festival(in_a):
    """A three-day festival (one date a day) and its full pass."""
    first = timezone.now().replace(microsecond=0) + timedelta(days=10)
    event = EventFactory(
        kind="festival",
        starts_at=first,
        ends_at=first + timedelta(hours=8),
        with_date=False,
    )
    days = _dates(event, [first + timedelta(days=i) for i in range(3)])
    full_pass = ProductFactory(
        name="Full pass", kind="pass", event=event, price_minor=12900, quotas=[QuotaFactory()]
    )
    return event, days, full_pass


def test_a_festival_pass_enters_once_on_each_days_list(festival, staff):
    event, days, full_pass = festival
    day_lists = checkin_lists_per_date_create(actor=staff, event=event)
    assert [cl.event_date for cl in day_lists] == days
    position = _paid_position(full_pass)
    first = position_check_in(secret=position.secret, actor=staff, checkin_list=day_lists[0])
    second = position_check_in(secret=position.secret, actor=staff, checkin_list=day_lists[1])
    assert first.checkin.occurrence == days[0].original_start
    assert second.checkin.occurrence == days[1].original_start
    with pytest.raises(CheckInRefused) as again:
        position_check_in(secret=position.secret, actor=staff, checkin_list=day_lists[1])
    assert again.value.code == "already_checked_in"
    assert again.value.extra["first_at"] == second.checkin.created.isoformat()
    assert CheckIn.objects.filter(position=position, undone_at__isnull=True).count() == 2
    # Per-date lists are made once: a second call adds none.
    assert checkin_lists_per_date_create(actor=staff, event=event) == []


def test_the_events_own_list_admits_once_per_date_the_date_nearest_now(in_a, staff):
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(days=1), with_date=False)
    days = _dates(
        event, [now - timedelta(days=1, hours=1), now - timedelta(hours=1), now + timedelta(days=1)]
    )
    product = ProductFactory(kind="pass", event=event, quotas=[QuotaFactory()])
    position = _paid_position(product)
    result = position_check_in(secret=position.secret, actor=staff)  # the event's default list
    assert result.checkin.checkin_list.is_default
    assert result.checkin.occurrence == days[1].original_start
    with pytest.raises(CheckInRefused) as again:
        position_check_in(
            secret=position.secret, actor=staff, checkin_list=result.checkin.checkin_list
        )
    assert again.value.code == "already_checked_in"


def test_a_ticket_on_another_events_list_is_refused_clearly(festival, staff, client_a):
    _event, _, full_pass = festival
    other = EventFactory(title="Tango night")
    other_list = checkin_list_create(actor=staff, event=other, name="Door")
    position = _paid_position(full_pass)
    response = _post(
        client_a, f"/api/v1/checkin-lists/{other_list.pk}/checkins/", {"secret": position.secret}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_event"
    assert "another event" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_a_list_for_some_products_refuses_the_others(festival, staff):
    event, _days, full_pass = festival
    party = ProductFactory(name="Party", event=event, quotas=[QuotaFactory()])
    parties = checkin_list_create(actor=staff, event=event, name="Party door", products=[party])
    with pytest.raises(CheckInRefused) as refused:
        position_check_in(
            secret=_paid_position(full_pass).secret, actor=staff, checkin_list=parties
        )
    assert refused.value.code == "product_not_on_list"
    ok = position_check_in(
        secret=_paid_position(party, "Ben").secret, actor=staff, checkin_list=parties
    )
    assert ok.checkin is not None


def test_a_day_ticket_is_refused_on_another_days_list(festival, staff):
    event, days, _ = festival
    saturday = ProductFactory(name="Day 1", event=event, quotas=[QuotaFactory()])
    saturday.covers_dates.set([days[0]])
    lists = checkin_lists_per_date_create(actor=staff, event=event)
    position = _paid_position(saturday)
    with pytest.raises(CheckInRefused) as refused:
        position_check_in(secret=position.secret, actor=staff, checkin_list=lists[1])
    assert refused.value.code == "wrong_date"
    assert position_check_in(secret=position.secret, actor=staff, checkin_list=lists[0]).checkin


def test_a_class_pack_spends_one_entry_per_class_date(in_a, staff):
    start = timezone.now() + timedelta(days=1)
    course = EventFactory(kind="course", starts_at=start, with_date=False)
    dates = _dates(course, [start + timedelta(weeks=i) for i in range(3)])
    pack = ProductFactory(
        kind="class_pack", event=course, checkins=2, valid_days=60, quotas=[QuotaFactory()]
    )
    lists = [
        checkin_list_create(actor=staff, event=course, name=f"Class {i}", event_date=d)
        for i, d in enumerate(dates)
    ]
    position = _paid_position(pack)
    assert (
        position_check_in(secret=position.secret, actor=staff, checkin_list=lists[0]).checkins_left
        == 1
    )
    with pytest.raises(CheckInRefused) as twice:
        position_check_in(secret=position.secret, actor=staff, checkin_list=lists[0])
    assert twice.value.code == "already_checked_in"
    assert (
        position_check_in(secret=position.secret, actor=staff, checkin_list=lists[1]).checkins_left
        == 0
    )
    with pytest.raises(CheckInRefused) as used_up:
        position_check_in(secret=position.secret, actor=staff, checkin_list=lists[2])
    assert used_up.value.code == "pack_used_up"
    assert Position.objects.get(pk=position.pk).checkins_left == 0


def test_a_membership_is_admitted_within_its_period_only(in_a, staff):
    event = EventFactory()
    membership = ProductFactory(kind="membership", period="month", quotas=[QuotaFactory()])
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    position = _paid_position(membership)
    assert position_check_in(secret=position.secret, actor=staff, checkin_list=checkin_list).checkin
    # Bought two months ago: its month is over.
    old = _paid_position(membership, "Old")
    Order.objects.filter(pk=old.order_id).update(paid_at=timezone.now() - timedelta(days=62))
    with pytest.raises(CheckInRefused) as expired:
        position_check_in(secret=old.secret, actor=staff, checkin_list=checkin_list)
    assert expired.value.code == "membership_expired"


def test_undo_gives_the_entry_back_and_is_audited(in_a, staff, client_a):
    event = EventFactory()
    pack = ProductFactory(
        kind="class_pack", event=event, checkins=3, valid_days=30, quotas=[QuotaFactory()]
    )
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    position = _paid_position(pack)
    scanned = _post(
        client_a,
        f"/api/v1/checkin-lists/{checkin_list.pk}/checkins/",
        {"secret": position.secret, "location": "Door A"},
    ).json()
    assert scanned["checkins_left"] == 2
    undo = _post(
        client_a, f"/api/v1/checkin-lists/{checkin_list.pk}/checkins/{scanned['checkin']}/undo/"
    )
    assert undo.status_code == 200 and undo.json()["code"] == "undone"
    position.refresh_from_db()
    assert position.checkins_left == 3 and position.checked_in_at is None
    entry = AuditEntry.objects.get(action="ticket.check_in_undo")
    assert entry.actor == staff and entry.data["checkin"] == scanned["checkin"]
    again = _post(
        client_a, f"/api/v1/checkin-lists/{checkin_list.pk}/checkins/{scanned['checkin']}/undo/"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_undone"
    # Scanned again after the undo: admitted.
    rescan = _post(
        client_a, f"/api/v1/checkin-lists/{checkin_list.pk}/checkins/", {"secret": position.secret}
    )
    assert rescan.status_code == 200


def test_list_writes_are_audited_and_bad_lists_refused(festival, staff):
    event, days, full_pass = festival
    other = EventFactory()
    checkin_list = checkin_list_create(actor=staff, event=event, name="Main door")
    created = AuditEntry.objects.get(action="checkin_list.create")
    assert created.actor == staff and created.data["event"] == event.pk
    checkin_list_update(
        actor=staff,
        checkin_list=checkin_list,
        name="Side door",
        event_date=days[2],
        products=[full_pass],
    )
    updated = AuditEntry.objects.get(action="checkin_list.update")
    assert updated.data["products"] == [full_pass.pk] and updated.data["event_date"] == days[2].pk
    before = CheckinList.objects.count()
    with pytest.raises(InvalidCheckinList) as other_date:
        checkin_list_create(actor=staff, event=other, name="Wrong", event_date=days[0])
    assert other_date.value.code == "date_of_other_event"
    with pytest.raises(InvalidCheckinList) as other_product:
        checkin_list_create(actor=staff, event=other, name="Wrong", products=[full_pass])
    assert other_product.value.code == "product_of_other_event"
    assert CheckinList.objects.count() == before
    member = UserFactory()
    with pytest.raises(Exception) as denied:
        checkin_list_create(actor=member, event=event, name="Mine")
    assert getattr(denied.value, "status_code", None) == 403


def test_the_api_lists_counts_and_searches(festival, staff, client_a):
    event, _days, full_pass = festival
    lists = checkin_lists_per_date_create(actor=staff, event=event)
    position = _paid_position(full_pass, "Zelda")
    position_check_in(secret=position.secret, actor=staff, checkin_list=lists[0])
    page = client_a.get(f"/api/v1/checkin-lists/?event={event.pk}").json()
    assert [row["id"] for row in page["results"]] == [cl.pk for cl in lists]
    assert page["results"][0]["admitted"] == 1
    detail = client_a.get(f"/api/v1/checkin-lists/{lists[0].pk}/").json()
    assert detail["counts"]["admitted"] == 1 and detail["counts"]["expected"] == 1
    found = client_a.get(f"/api/v1/checkin-lists/{lists[0].pk}/search/?q=zel").json()
    assert found[0]["attendee_name"] == "Zelda" and found[0]["checked_in_at"]
    assert client_a.get(f"/api/v1/checkin-lists/{lists[0].pk}/search/?q=nobody").json() == []
    created = _post(
        client_a,
        "/api/v1/checkin-lists/",
        {"event": event.pk, "name": "VIP", "products": [full_pass.pk]},
    )
    assert created.status_code == 201 and created.json()["products"] == [full_pass.pk]
    bad = _post(
        client_a, "/api/v1/checkin-lists/", {"event": event.pk, "name": "X", "event_date": 10**9}
    )
    assert bad.status_code == 404
    schema = client_a.get("/api/v1/schema/").content.decode()
    assert "/api/v1/checkin-lists/{id}/checkins/" in schema


def test_members_cannot_use_the_scanner_api(festival, client_a, community_a):
    event, _, _ = festival
    checkin_list = checkin_list_create(actor=None, event=event, name="Door")
    login(client_a, community_a, UserFactory())
    assert client_a.get(f"/api/v1/checkin-lists/{checkin_list.pk}/").status_code == 403
    assert (
        _post(
            client_a, f"/api/v1/checkin-lists/{checkin_list.pk}/checkins/", {"secret": "x"}
        ).status_code
        == 403
    )


def test_another_communitys_lists_are_invisible_and_unusable(
    festival, staff, client_b, community_b
):
    event, _, full_pass = festival
    checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
    position = _paid_position(full_pass)
    with schema_context(community_b.schema_name):
        staff_b = organizer_create()
    login(client_b, community_b, staff_b)
    assert client_b.get("/api/v1/checkin-lists/").json()["results"] == []
    assert client_b.get(f"/api/v1/checkin-lists/{checkin_list.pk}/").status_code == 404
    response = _post(
        client_b, f"/api/v1/checkin-lists/{checkin_list.pk}/checkins/", {"secret": position.secret}
    )
    assert response.status_code == 404
    with schema_context("alpha"):
        assert not CheckIn.objects.exists()


def test_existing_check_ins_move_to_a_default_list_of_their_event(festival, staff):
    from importlib import import_module

    event, days, full_pass = festival
    position = _paid_position(full_pass)
    legacy = CheckIn.objects.create(position=position, location="door")
    migration = import_module("core_apps.orders.migrations.0007_checkin_lists")
    migration.checkins_to_default_lists(apps, None)
    legacy.refresh_from_db()
    assert legacy.checkin_list.is_default and legacy.checkin_list.event == event
    assert legacy.occurrence == days[0].original_start


# --- Two scanners at once -------------------------------------------------------------


def test_two_concurrent_scans_of_one_ticket_admit_it_once(community_a):
    schema = community_a.schema_name
    made: dict[str, int] = {}

    def setup() -> None:
        event = EventFactory()
        quota = Quota.objects.create(name="Hall", size=10)
        product = Product.objects.create(
            name="Ticket", event=event, price_minor=1000, currency="EUR", status="published"
        )
        product.quotas.set([quota])
        staff = organizer_create()
        checkin_list = checkin_list_create(actor=staff, event=event, name="Door")
        position = _paid_position(product)
        made.update(
            event=event.pk,
            quota=quota.pk,
            product=product.pk,
            staff=staff.pk,
            list=checkin_list.pk,
            position=position.pk,
            secret=position.secret,  # type: ignore[dict-item]
        )

    def in_thread(fn):
        box: dict = {}

        def target() -> None:
            try:
                with schema_context(schema):
                    box["value"] = fn()
            except BaseException as exc:
                box["error"] = exc
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        if "error" in box:
            raise box["error"]
        return box.get("value")

    in_thread(setup)
    try:
        count = 4
        barrier = threading.Barrier(count)
        outcomes = [""] * count

        def scan(index: int) -> None:
            try:
                with schema_context(schema):
                    from core_apps.accounts.models import User

                    staff = User.objects.get(pk=made["staff"])
                    checkin_list = CheckinList.objects.get(pk=made["list"])
                    barrier.wait()
                    try:
                        position_check_in(
                            secret=str(made["secret"]), actor=staff, checkin_list=checkin_list
                        )
                        outcomes[index] = "admitted"
                    except CheckInRefused as exc:
                        outcomes[index] = exc.code
            finally:
                connection.close()

        threads = [threading.Thread(target=scan, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["admitted"] + ["already_checked_in"] * (count - 1)
        assert in_thread(lambda: CheckIn.objects.filter(position_id=made["position"]).count()) == 1
    finally:

        def cleanup() -> None:
            from core_apps.accounts.models import User

            position = Position.objects.get(pk=made["position"])
            order = position.order
            CheckIn.objects.filter(position=position).delete()
            order.invoices.all().delete()
            Order.objects.filter(pk=order.pk).delete()
            CheckinList.objects.filter(pk=made["list"]).delete()
            Product.objects.filter(pk=made["product"]).delete()
            Quota.objects.filter(pk=made["quota"]).delete()
            EventFactory._meta.model.objects.filter(pk=made["event"]).delete()
            AuditEntry.objects.filter(actor_id=made["staff"]).delete()
            User.objects.filter(pk=made["staff"]).delete()

        in_thread(cleanup)
