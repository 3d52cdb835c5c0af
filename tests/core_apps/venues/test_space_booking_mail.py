"""Space booking notices go out in the community's theme and language, once per
step, with times in the venue's named time zone."""

from __future__ import annotations

import pytest
from django.core import mail

from core_apps.accounts.roles import Role
from core_apps.venues.services import space_booking_approve, space_booking_request
from core_apps.venues.tasks import space_booking_notify_task
from tenants.models import Community
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role


@pytest.fixture
def manager(in_a):
    return user_with_role(Role.VENUE_MANAGER)


@pytest.fixture
def organizer(in_a):
    return user_with_role(Role.ORGANIZER)


@pytest.fixture
def space(manager):
    venue = VenueFactory(managers=[manager], name="Estudio Sol", time_zone="Europe/Lisbon")
    return SpaceFactory(venue=venue, name="Sala 1")


def book(organizer, space):
    # 19:00 in Berlin is 18:00 in Lisbon.
    return space_booking_request(
        requester=organizer,
        space=space,
        title="Bachata & <b>class</b>",
        starts_at=berlin(2031, 5, 6, 19),
        ends_at=berlin(2031, 5, 6, 21),
    )[0]


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def test_a_booking_notice_is_themed_and_names_the_venues_time_zone(
    in_a, organizer, manager, space, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(organizer, space)

    [notice] = mail.outbox
    assert notice.to == [manager.email]
    assert notice.subject == f"[{in_a.name}] Sala 1, Bachata & <b>class</b>: requested"
    assert "2031-05-06 18:00 (Europe/Lisbon)" in notice.body
    assert "UTC" not in notice.body
    assert f"/venues/bookings/{booking.pk}/" in notice.body
    html = html_of(notice)
    assert "<html" in html and in_a.name in html and "2031-05-06 18:00 (Europe/Lisbon)" in html
    assert "Bachata &amp; &lt;b&gt;class&lt;/b&gt;" in html  # escaped once, as text


def test_a_booking_notice_is_sent_once_per_step_however_often_its_task_runs(
    in_a, organizer, manager, space, django_capture_on_commit_callbacks
):
    booking = book(organizer, space)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        space_booking_approve(actor=manager, booking=booking)
    assert [m.to for m in mail.outbox] == [[organizer.email]]

    confirmed = booking.entries.get(action="confirmed")
    space_booking_notify_task.delay(entry_id=confirmed.pk)  # a redelivery
    space_booking_notify_task.delay(entry_id=confirmed.pk)
    assert len(mail.outbox) == 1


def test_a_booking_notice_is_rendered_in_the_communitys_language(
    in_a, organizer, space, django_capture_on_commit_callbacks
):
    Community.objects.filter(pk=in_a.pk).update(language="es")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book(organizer, space)

    [notice] = mail.outbox
    assert 'lang="es"' in html_of(notice)
