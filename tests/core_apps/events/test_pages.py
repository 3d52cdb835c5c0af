"""Public event pages, iCal feeds and the organizer back office."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import icalendar
import pytest
from django.utils import timezone

from core_apps.events.models import DanceStyle, Event, EventDate, Level
from core_apps.events.services import event_create, event_date_cancel
from core_apps.ticketing.models import Product, RoleMode
from core_apps.ticketing.services import price_tier_add, product_create, quota_create
from tests.core_apps.events.factories import BERLIN, EventFactory, organizer_create

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_style_level_kind_teacher_venue_and_dates(in_a, client_a):
    salsa = DanceStyle.objects.create(slug="salsa-x", name="Salsa X")
    beginner = Level.objects.create(slug="beginner-x", name="Beginner X")
    match = EventFactory(
        title="Match",
        kind=Event.Kind.CLASS,
        level=beginner,
        teacher_names="Ana Ruiz",
        venue_name="Studio Sol",
    )
    match.styles.add(salsa)
    EventFactory(title="Other style", kind=Event.Kind.CLASS)
    day = match.starts_at.astimezone(BERLIN).date().isoformat()
    for query in [
        "style=salsa-x",
        "level=beginner-x",
        "teacher=ruiz",
        "venue=studio",
        f"date_from={day}&date_to={day}&kind=class",
    ]:
        html = client_a.get(f"/events/?{query}").content.decode()
        assert "Match" in html, query
        assert "Other style" not in html, query


def test_the_month_calendar_shows_dates_on_their_local_day(in_a, client_a):
    EventFactory(title="Late milonga", starts_at=datetime(2030, 3, 9, 23, 30, tzinfo=BERLIN))
    html = client_a.get("/events/calendar/?month=2030-03").content.decode()
    assert "March 2030" in html
    assert "11:30\u202fPM Late milonga" in html  # English (Babel's "en") reads a 12-hour clock


def test_the_event_page_has_dates_prices_roles_and_json_ld(in_a, client_a):
    event = event_create(
        actor=None,
        title="Salsa improvers",
        status=Event.Status.PUBLISHED,
        starts_at=datetime(2030, 10, 14, 19, tzinfo=BERLIN),
        ends_at=datetime(2030, 10, 14, 20, tzinfo=BERLIN),
        recurrence="FREQ=WEEKLY;COUNT=4",
        venue_name="Studio <Sol>",
    )
    event_date_cancel(actor=None, event_date=event.dates.all()[1])
    quota = quota_create(
        actor=None,
        name="Class",
        size=12,
        role_mode=RoleMode.LEAD_FOLLOW,
        max_difference=1,
        grace=0,
    )
    product = product_create(
        actor=None,
        name="Course",
        price_minor=8000,
        event=event,
        quotas=[quota],
        status=Product.Status.PUBLISHED,
    )
    price_tier_add(
        actor=None,
        product=product,
        name="Early bird",
        price_minor=6500,
        ends_at=timezone.now() + timedelta(days=1),
    )
    from core_apps.ticketing.services import quotas_reserve

    quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="lead")
    html = client_a.get(f"/events/{event.slug}/").content.decode()
    assert "€65.00" in html and "Early bird" in html  # per locale, never minor units
    assert "Leaders: waitlist" in html and "Followers: 2 places left" in html
    assert "cancelled" in html
    assert "Mon, Oct 21, 2030, 7:00" in html and "CEST" in html  # the event's zone, named
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "Event"
    assert ld["startDate"] == "2030-10-14T19:00:00+02:00"  # the event's own clock
    assert ld["offers"][0]["price"] == "65.00"
    assert ld["location"]["name"] == "Studio <Sol>"
    assert len(ld["subEvent"]) == 3  # the cancelled date is left out


def test_the_community_feed_and_an_events_ics_parse_as_icalendar(in_a, client_a):
    event = event_create(
        actor=None,
        title="Tango practica",
        status=Event.Status.PUBLISHED,
        starts_at=datetime(2030, 3, 20, 20, tzinfo=BERLIN),
        ends_at=datetime(2030, 3, 20, 23, tzinfo=BERLIN),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    event_date_cancel(actor=None, event_date=event.dates.last())
    EventFactory(title="Secret", visibility=Event.Visibility.MEMBERS)
    feed = client_a.get("/events/feed.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    entries = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in entries] == ["Tango practica"] * 3
    assert [str(e["STATUS"]) for e in entries] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    # 20:00 Berlin is 19:00 UTC before the change on 31 March 2030, 18:00 after it.
    assert [e.decoded("DTSTART").hour for e in entries] == [19, 19, 18]
    assert len({str(e["UID"]) for e in entries}) == 3
    single = icalendar.Calendar.from_ical(client_a.get(f"/events/{event.slug}/event.ics").content)
    assert len(single.walk("VEVENT")) == 3


def test_drafts_and_members_only_events_are_hidden_from_anonymous_visitors(in_a, client_a):
    draft = EventFactory(status=Event.Status.DRAFT)
    members = EventFactory(visibility=Event.Visibility.MEMBERS)
    assert client_a.get(f"/events/{draft.slug}/").status_code == 404
    assert client_a.get(f"/events/{members.slug}/").status_code == 404
    from tests.factories import UserFactory

    client_a.force_login(UserFactory())
    assert client_a.get(f"/events/{members.slug}/").status_code == 200


def test_the_back_office_is_for_organizers_only(in_a, client_a):
    from tests.factories import UserFactory

    assert client_a.get("/manage/events/").status_code == 302  # to the login page
    client_a.force_login(UserFactory())
    assert client_a.get("/manage/events/").status_code == 403


FORM = {
    "title": "Kizomba lab",
    "kind": "class",
    "status": "draft",
    "visibility": "public",
    "time_zone": "Europe/Berlin",
    "starts_at": "2030-11-05T19:30",
    "ends_at": "2030-11-05T21:00",
    "recurrence": "FREQ=WEEKLY;COUNT=4",
}


def test_an_organizer_creates_an_event_in_the_form_in_its_own_time_zone(in_a, client_a):
    client_a.force_login(organizer_create())
    response = client_a.post("/manage/events/new/", FORM)
    assert response.status_code == 302
    event = Event.objects.get(title="Kizomba lab")
    assert event.starts_at == datetime(2030, 11, 5, 19, 30, tzinfo=BERLIN)
    assert event.dates.count() == 4
    edit = client_a.get(f"/manage/events/{event.pk}/").content.decode()
    assert 'value="2030-11-05T19:30"' in edit


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2030-11-05T18:00"}, "ends_at", "The end must be after the start."),
        ({"recurrence": "FREQ=DAILY"}, "recurrence", "never ends"),
        ({"recurrence": "FREQ=DAILY;UNTIL=20200101"}, "recurrence", "yields no dates"),
    ],
)
def test_bad_event_input_shows_a_message_next_to_the_field(in_a, client_a, changes, field, message):
    client_a.force_login(organizer_create())
    response = client_a.post("/manage/events/new/", {**FORM, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Event.objects.filter(title="Kizomba lab").exists()


def test_an_organizer_publishes_duplicates_cancels_and_cancels_one_date(in_a, client_a):
    client_a.force_login(organizer_create())
    client_a.post("/manage/events/new/", FORM)
    event = Event.objects.get(title="Kizomba lab")
    client_a.post(f"/manage/events/{event.pk}/publish/")
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    client_a.post(f"/manage/events/{event.pk}/duplicate/")
    copy = Event.objects.get(title="Kizomba lab (copy)")
    assert (copy.status, copy.dates.count()) == (Event.Status.DRAFT, 4)
    date = event.dates.all()[2]
    client_a.post(f"/manage/events/dates/{date.pk}/cancel/")
    assert EventDate.objects.get(pk=date.pk).status == EventDate.Status.CANCELLED
    assert event.dates.filter(status=EventDate.Status.SCHEDULED).count() == 3
    client_a.post(f"/manage/events/{event.pk}/cancel/")
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
