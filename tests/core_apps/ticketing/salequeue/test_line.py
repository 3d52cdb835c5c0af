"""The line in Redis: places in arrival order, admission at the organizer's
pace from the opening time on, the admission window, and keys per community."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core_apps.ticketing.salequeue.line import (
    LineSettings,
    line_configure,
    line_join,
    line_status,
)
from tests.core_apps.ticketing.salequeue.conftest import admissions_age, line_age, queue_on

pytestmark = pytest.mark.django_db


def _status(queued, place):
    return line_status(
        schema=queued.schema, event_id=queued.event.pk, epoch=place.epoch, position=place.position
    )


def test_visitors_get_places_in_the_order_they_arrive(queued):
    places = [line_join(schema=queued.schema, event_id=queued.event.pk) for _ in range(5)]
    assert [p.position for p in places] == [1, 2, 3, 4, 5]
    assert {p.state for p in places} == {"waiting"}
    assert len({p.epoch for p in places}) == 1


def test_places_are_admitted_at_the_rate_in_order(queued):
    places = [line_join(schema=queued.schema, event_id=queued.event.pk) for _ in range(5)]
    line_age(queued.schema, queued.event.pk, 2.5)  # 60 a minute: 2 more admitted
    states = [_status(queued, p).state for p in places]
    assert states[:2] == ["admitted", "admitted"]
    assert states[3:] == ["waiting", "waiting"]
    last = _status(queued, places[4])
    assert last.ahead == last.position - last.admitted_through - 1
    assert last.wait_s >= 60 * last.ahead // 60


def test_a_line_that_ran_empty_banks_no_admissions_for_a_rush(
    queued, django_capture_on_commit_callbacks
):
    queue_on(queued.event, django_capture_on_commit_callbacks, rate_per_minute=6)
    first = line_join(schema=queued.schema, event_id=queued.event.pk)
    line_age(queued.schema, queued.event.pk, 3600)  # an hour: 360 admissions' worth
    assert _status(queued, first).state == "admitted"
    rush = [line_join(schema=queued.schema, event_id=queued.event.pk) for _ in range(5)]
    # Only the pace admits the rush, not the idle hour.
    assert [_status(queued, p).state for p in rush].count("admitted") <= 1


def test_nobody_is_admitted_before_the_line_opens(in_a, queued, django_capture_on_commit_callbacks):
    queue_on(
        queued.event,
        django_capture_on_commit_callbacks,
        rate_per_minute=1000,
        opens_at=timezone.now() + timedelta(minutes=5),
    )
    place = line_join(schema=queued.schema, event_id=queued.event.pk)
    status = _status(queued, place)
    assert status.state == "waiting"
    assert status.wait_s >= 4 * 60  # the time until it opens, then the pace


def test_an_admitted_place_expires_at_the_end_of_its_window(queued):
    place = line_join(schema=queued.schema, event_id=queued.event.pk)
    line_age(queued.schema, queued.event.pk, 5)
    status = _status(queued, place)
    assert status.state == "admitted"
    assert status.expires_at - status.admitted_at == 10 * 60
    admissions_age(queued.schema, queued.event.pk, place.epoch, 10 * 60 + 1)
    assert _status(queued, place).state == "expired"


def test_turning_the_queue_off_and_on_again_starts_a_new_line(
    queued, django_capture_on_commit_callbacks
):
    from core_apps.ticketing.salequeue.services import sale_queue_update

    old = line_join(schema=queued.schema, event_id=queued.event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        sale_queue_update(
            actor=None, event=queued.event, is_enabled=False, rate_per_minute=60, window_minutes=10
        )
    assert _status(queued, old).state == "off"
    queue_on(queued.event, django_capture_on_commit_callbacks)
    assert _status(queued, old).state == "reset"
    assert line_join(schema=queued.schema, event_id=queued.event.pk).position == 1


def test_older_settings_never_overwrite_newer_ones_in_redis(queued):
    newer = LineSettings(
        version=50, generation=1, enabled=True, rate_per_minute=7, window_s=60, opens_at=0
    )
    older = LineSettings(
        version=49, generation=1, enabled=False, rate_per_minute=9, window_s=60, opens_at=0
    )
    line_configure(schema=queued.schema, event_id=queued.event.pk, line=newer)
    line_configure(schema=queued.schema, event_id=queued.event.pk, line=older)
    assert line_join(schema=queued.schema, event_id=queued.event.pk).rate_per_minute == 7


def test_lines_of_two_communities_never_share_keys(queued):
    """The same event id in community B has its own line (keys carry the schema)."""
    settings = LineSettings(
        version=1, generation=1, enabled=True, rate_per_minute=60, window_s=600, opens_at=0
    )
    line_configure(schema="beta", event_id=queued.event.pk, line=settings)
    for _ in range(3):
        line_join(schema=queued.schema, event_id=queued.event.pk)
    in_b = line_join(schema="beta", event_id=queued.event.pk)
    assert in_b.position == 1
    assert line_join(schema=queued.schema, event_id=queued.event.pk).position == 4
