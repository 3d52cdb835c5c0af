"""The event list of a large community costs a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from core_apps.events.models import DanceStyle, Event, EventDate, Level

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def big_community(in_a):
    """500 published events with 10 weekly dates each (5,000 dates)."""
    styles = [DanceStyle.objects.create(slug=f"perf-{n}", name=f"Perf {n}") for n in range(4)]
    level = Level.objects.create(slug="perf-level", name="Perf level")
    start = timezone.now().astimezone(BERLIN).replace(hour=19, minute=0, second=0, microsecond=0)
    events = Event.objects.bulk_create(
        Event(
            title=f"Class {n}",
            slug=f"class-{n}",
            kind=Event.Kind.CLASS,
            status=Event.Status.PUBLISHED,
            level=level,
            time_zone="Europe/Berlin",
            starts_at=start + timedelta(days=n % 7, minutes=n),
            ends_at=start + timedelta(days=n % 7, minutes=n + 90),
            recurrence="FREQ=WEEKLY;COUNT=10",
        )
        for n in range(500)
    )
    Event.styles.through.objects.bulk_create(
        Event.styles.through(event_id=e.pk, dancestyle_id=styles[i % 4].pk)
        for i, e in enumerate(events)
    )
    EventDate.objects.bulk_create(
        EventDate(
            event=e,
            starts_at=e.starts_at + timedelta(weeks=w),
            ends_at=e.ends_at + timedelta(weeks=w),
            original_start=e.starts_at + timedelta(weeks=w),
        )
        for e in events
        for w in range(10)
    )
    assert EventDate.objects.count() >= 5000
    return events


# Every themed HTML page pays a fixed number of queries whatever the data size
# (Wagtail site, branding and footer settings, menu pages and their restrictions,
# the next festival for the menu).
THEMED_PAGE_QUERIES = 10


def test_the_html_list_of_500_events_and_5000_dates_uses_a_bounded_number_of_queries(
    big_community, client_a, django_assert_max_num_queries
):
    # The host → community lookup is cached after this, and the site's branding
    # and footer settings rows exist (the first themed page creates them).
    assert client_a.get("/events/").status_code == 200
    # 8 for the list itself + the themed page's fixed cost (site, branding, menu, footer).
    with django_assert_max_num_queries(8 + THEMED_PAGE_QUERIES):
        response = client_a.get("/events/?page=3")
    assert response.status_code == 200
    assert response.content.decode().count('<article class="event-card') == 20


def test_the_api_list_of_500_events_uses_a_bounded_number_of_queries(
    big_community, client_a, django_assert_max_num_queries
):
    client_a.get("/api/v1/community/")  # the host → community lookup is cached after this
    with django_assert_max_num_queries(6):
        response = client_a.get("/api/v1/events/?page_size=200")
    body = response.json()
    assert body["count"] == 500
    assert len(body["results"]) == 200
    assert all(len(item["next_dates"]) == 5 for item in body["results"])


def test_the_month_calendar_and_the_feed_of_5000_dates_stay_bounded_and_valid(
    big_community, client_a, django_assert_max_num_queries
):
    month = timezone.now().astimezone(BERLIN).strftime("%Y-%m")
    # The host lookup cached, the branding and footer settings rows created.
    assert client_a.get("/events/").status_code == 200
    with django_assert_max_num_queries(4 + THEMED_PAGE_QUERIES):
        assert client_a.get(f"/events/calendar/?month={month}").status_code == 200
    with django_assert_max_num_queries(4):
        response = client_a.get("/events/feed.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    entries = calendar.walk("VEVENT")
    assert len(entries) == 5000
    assert all(e.get("UID") and e.get("DTSTART") and e.get("DTSTAMP") for e in entries)
