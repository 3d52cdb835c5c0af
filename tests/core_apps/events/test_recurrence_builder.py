"""The recurrence builder of the back office's event form: weekly on days,
every N weeks, until a date or a number of times, with exception dates —
written as an RRULE and checked on the server."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from core_apps.events.models import Event, EventDate
from core_apps.privacy.models import AuditEntry
from tests.core_apps.events.factories import organizer_create

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
FORM = {
    "title": "Salsa term",
    "kind": "course",
    "status": "draft",
    "visibility": "public",
    "time_zone": "Europe/Berlin",
    "starts_at": "2030-11-05T19:30",  # a Tuesday
    "ends_at": "2030-11-05T21:00",
}


@pytest.fixture
def organizer(in_a, client_a):
    user = organizer_create()
    client_a.force_login(user)
    return user


def _days(event: Event, status: str = EventDate.Status.SCHEDULED) -> list[date]:
    return [d.starts_at.astimezone(BERLIN).date() for d in event.dates.filter(status=status)]


def test_weekly_on_two_days_every_other_week_until_a_date_with_an_exception(client_a, organizer):
    response = client_a.post(
        "/manage/events/new/",
        {
            **FORM,
            "repeat_days": ["TH", "TU"],
            "repeat_interval": "2",
            "repeat_until": "2030-12-05",
            "repeat_except": "2030-11-19",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get(title="Salsa term")
    assert event.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20301205"
    assert _days(event) == [
        date(2030, 11, 5),
        date(2030, 11, 7),
        date(2030, 11, 21),
        date(2030, 12, 3),
        date(2030, 12, 5),
    ]
    assert _days(event, EventDate.Status.CANCELLED) == [date(2030, 11, 19)]
    assert AuditEntry.objects.filter(action="event.date_cancel", actor=organizer).count() == 1
    # Every date keeps its wall-clock time.
    assert {d.starts_at.astimezone(BERLIN).hour for d in event.dates.all()} == {19}


def test_a_count_instead_of_an_end_date(client_a, organizer):
    client_a.post("/manage/events/new/", {**FORM, "repeat_days": ["TU"], "repeat_count": "8"})
    event = Event.objects.get(title="Salsa term")
    assert event.recurrence == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=8"
    assert event.dates.count() == 8


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"repeat_days": ["TU"]}, "repeat_until", "one of the two"),
        (
            {"repeat_days": ["TU"], "repeat_count": "4", "repeat_until": "2030-12-01"},
            "repeat_until",
            "one of the two",
        ),
        ({"repeat_days": ["TU"], "repeat_until": "2030-10-01"}, "repeat_until", "must end after"),
        ({"repeat_count": "4"}, "repeat_days", "Choose the weekdays"),
        ({"repeat_days": ["TU"], "repeat_count": "0"}, "repeat_count", "greater than or equal"),
        (
            {"repeat_days": ["TU"], "repeat_count": "4", "repeat_interval": "0"},
            "repeat_interval",
            "greater than or equal",
        ),
        ({"repeat_days": ["XX"], "repeat_count": "4"}, "repeat_days", "Select a valid choice"),
        (
            {"repeat_days": ["TU"], "repeat_count": "4", "recurrence": "FREQ=DAILY;COUNT=2"},
            "recurrence",
            "not both",
        ),
        (
            {"repeat_days": ["TU"], "repeat_count": "4", "repeat_except": "next tuesday"},
            "repeat_except",
            "is not a date",
        ),
        (
            {"repeat_days": ["TU"], "repeat_count": "4", "repeat_except": "2030-11-06"},
            "repeat_except",
            "no date on that day",
        ),
    ],
)
def test_bad_repetitions_are_refused_next_to_their_field(
    client_a, organizer, changes, field, message
):
    response = client_a.post("/manage/events/new/", {**FORM, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    # Nothing half-done: no event, no dates.
    assert not Event.objects.filter(title="Salsa term").exists()
    assert not EventDate.objects.filter(event__title="Salsa term").exists()


def test_exceptions_on_edit_cancel_those_dates_only(client_a, organizer):
    client_a.post("/manage/events/new/", {**FORM, "repeat_days": ["TU"], "repeat_count": "4"})
    event = Event.objects.get(title="Salsa term")
    response = client_a.post(
        f"/manage/events/{event.pk}/",
        {**FORM, "recurrence": event.recurrence, "repeat_except": "2030-11-12, 2030-11-26"},
    )
    assert response.status_code == 302
    assert _days(event) == [date(2030, 11, 5), date(2030, 11, 19)]


def test_an_organizer_of_alpha_cannot_create_a_series_in_beta(
    client_a, organizer, client_b, community_b
):
    from django_tenants.utils import schema_context

    client_b.force_login(organizer)
    response = client_b.post(
        "/manage/events/new/", {**FORM, "repeat_days": ["TU"], "repeat_count": "4"}
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"]
    with schema_context(community_b.schema_name):
        assert not Event.objects.filter(title="Salsa term").exists()
