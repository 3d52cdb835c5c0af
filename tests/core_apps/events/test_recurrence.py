"""Dates from RFC 5545 rules, in the event's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from core_apps.events.models import Event, EventDate
from core_apps.events.services import (
    event_create,
    event_date_cancel,
    event_date_move,
    event_update,
    occurrences_expand,
)
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import products_for_event
from core_apps.ticketing.services import product_create, quota_create

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def test_weekly_class_keeps_its_local_time_across_the_autumn_change_in_berlin():
    dates = occurrences_expand(
        starts_at=datetime(2026, 10, 14, 19, 0, tzinfo=BERLIN),
        ends_at=datetime(2026, 10, 14, 20, 30, tzinfo=BERLIN),
        time_zone="Europe/Berlin",
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    assert [(s.hour, s.minute) for s, _ in dates] == [(19, 0)] * 4
    assert [s.astimezone(UTC).hour for s, _ in dates] == [17, 17, 18, 18]
    assert all(e - s == timedelta(minutes=90) for s, e in dates)


def test_weekly_class_keeps_its_local_time_across_the_spring_change_in_new_york():
    dates = occurrences_expand(
        starts_at=datetime(2026, 3, 1, 18, 30, tzinfo=NEW_YORK),
        ends_at=datetime(2026, 3, 1, 20, 0, tzinfo=NEW_YORK),
        time_zone="America/New_York",
        recurrence="RRULE:FREQ=WEEKLY;BYDAY=SU;UNTIL=20260322T235959",
    )
    assert [s.day for s, _ in dates] == [1, 8, 15, 22]
    assert {(s.hour, s.minute) for s, _ in dates} == {(18, 30)}
    assert [s.astimezone(UTC).hour for s, _ in dates] == [23, 22, 22, 22]


def test_a_start_in_the_spring_forward_gap_moves_to_a_real_time_and_still_has_a_duration():
    dates = occurrences_expand(
        starts_at=datetime(2026, 3, 28, 2, 30, tzinfo=BERLIN),
        ends_at=datetime(2026, 3, 28, 3, 30, tzinfo=BERLIN),
        time_zone="Europe/Berlin",
        recurrence="FREQ=DAILY;COUNT=3",
    )
    assert len(dates) == 3
    assert all(e - s == timedelta(hours=1) for s, e in dates)
    assert dates[1][0].astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_the_rule_is_expanded_in_the_events_zone_not_the_zone_of_the_given_datetime():
    # 17:00 UTC is 19:00 in Berlin in summer; the weekly rule follows Berlin's clock.
    dates = occurrences_expand(
        starts_at=datetime(2026, 10, 21, 17, 0, tzinfo=UTC),
        ends_at=datetime(2026, 10, 21, 18, 0, tzinfo=UTC),
        time_zone="Europe/Berlin",
        recurrence="FREQ=WEEKLY;COUNT=2",
    )
    assert [s.astimezone(BERLIN).hour for s, _ in dates] == [19, 19]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLY", "never ends"),
        ("FREQ=WEEKLY;UNTIL=20200101", "no dates"),
        ("FREQ=WEEKLY;COUNT=0", "no dates"),
        ("FREQ=SOMETIMES;COUNT=3", "not a valid"),
        ("FREQ=DAILY;COUNT=5000", "more than"),
    ],
)
def test_rules_that_never_end_or_yield_nothing_are_refused_on_the_recurrence_field(rule, message):
    with pytest.raises(ValidationError) as exc:
        occurrences_expand(
            starts_at=datetime(2026, 5, 1, 19, tzinfo=BERLIN),
            ends_at=datetime(2026, 5, 1, 20, tzinfo=BERLIN),
            time_zone="Europe/Berlin",
            recurrence=rule,
        )
    assert message in " ".join(exc.value.message_dict["recurrence"])


def _series(**extra):
    return event_create(
        actor=None,
        title="Salsa beginners",
        starts_at=datetime(2026, 10, 14, 19, 0, tzinfo=BERLIN),
        ends_at=datetime(2026, 10, 14, 20, 30, tzinfo=BERLIN),
        time_zone="Europe/Berlin",
        recurrence="FREQ=WEEKLY;COUNT=6",
        **extra,
    )


def test_a_series_creates_one_date_per_occurrence(in_a):
    event = _series()
    starts = list(event.dates.values_list("starts_at", flat=True))
    assert len(starts) == 6
    assert {s.astimezone(BERLIN).hour for s in starts} == {19}


def test_a_moved_date_leaves_the_others_alone_and_survives_a_rule_change(in_a):
    event = _series()
    dates = list(event.dates.all())
    moved = event_date_move(
        actor=None,
        event_date=dates[2],
        starts_at=datetime(2026, 10, 29, 20, 0, tzinfo=BERLIN),
        ends_at=datetime(2026, 10, 29, 21, 30, tzinfo=BERLIN),
    )
    assert moved.moved
    others = [d for d in event.dates.all() if d.pk != moved.pk]
    assert [d.starts_at for d in others] == [d.starts_at for d in dates if d.pk != moved.pk]

    event_update(actor=None, event=event, recurrence="FREQ=WEEKLY;COUNT=8")
    assert event.dates.count() == 8
    kept = EventDate.objects.get(pk=moved.pk)
    assert kept.starts_at == datetime(2026, 10, 29, 20, 0, tzinfo=BERLIN)


def test_a_cancelled_date_stays_cancelled_while_the_other_dates_stay_scheduled(in_a):
    event = _series()
    first, second, *_rest = event.dates.all()
    event_date_cancel(actor=None, event_date=second)
    event_update(actor=None, event=event, ends_at=datetime(2026, 10, 14, 21, 0, tzinfo=BERLIN))
    statuses = dict(event.dates.values_list("pk", "status"))
    assert statuses.pop(second.pk) == EventDate.Status.CANCELLED
    assert set(statuses.values()) == {EventDate.Status.SCHEDULED}
    assert EventDate.objects.get(pk=first.pk).ends_at.astimezone(BERLIN).hour == 21


def test_moving_a_date_to_end_before_it_starts_is_refused_on_ends_at(in_a):
    date = _series().dates.first()
    with pytest.raises(ValidationError) as exc:
        event_date_move(
            actor=None,
            event_date=date,
            starts_at=datetime(2026, 10, 29, 20, 0, tzinfo=BERLIN),
            ends_at=datetime(2026, 10, 29, 19, 0, tzinfo=BERLIN),
        )
    assert "ends_at" in exc.value.message_dict


def test_a_course_is_a_series_sold_as_one_product_covering_every_date(in_a):
    course = _series(kind=Event.Kind.COURSE, status=Event.Status.PUBLISHED)
    quota = quota_create(actor=None, name="Course places", size=16, event=course)
    product = product_create(
        actor=None,
        name="Full course (6 weeks)",
        price_minor=9000,
        event=course,
        quotas=[quota],
        status=Product.Status.PUBLISHED,
    )
    assert list(products_for_event(event=course)) == [product]
    # One product for the whole series, one quota place per buyer for all six dates.
    assert course.dates.count() == 6
    assert list(product.quotas.all()) == [quota]


def test_an_event_ending_before_it_starts_is_refused_on_ends_at(in_a):
    with pytest.raises(ValidationError) as exc:
        event_create(
            actor=None,
            title="Backwards",
            starts_at=datetime(2026, 5, 1, 20, tzinfo=BERLIN),
            ends_at=datetime(2026, 5, 1, 19, tzinfo=BERLIN),
        )
    assert list(exc.value.message_dict) == ["ends_at"]
    assert not Event.objects.filter(title="Backwards").exists()
