"""Artist emails go out in the community's theme and language, once per effect."""

from __future__ import annotations

import pytest
from django.core import mail

from core_apps.accounts.roles import Role
from core_apps.artists.services import artist_booking_request, artist_invite, artist_profile_create
from core_apps.artists.tasks import artist_booking_notify_task, artist_invitation_send_task
from tenants.models import Community
from tests.core_apps.venues.factories import ArtistFactory, berlin, user_with_role


@pytest.fixture
def teacher(in_a):
    return user_with_role(Role.TEACHER)


@pytest.fixture
def organizer(in_a):
    return user_with_role(Role.ORGANIZER)


@pytest.fixture
def artist(teacher):
    return ArtistFactory(user=teacher, name="Ana Tango")


def booking_request(organizer, artist):
    return artist_booking_request(
        organizer=organizer,
        artist=artist,
        starts_at=berlin(2031, 4, 11, 10),
        ends_at=berlin(2031, 4, 13, 18),
        title="Spring festival",
        fee_minor=80000,
        currency="EUR",
    )


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def test_a_booking_notice_is_themed_and_sent_once_per_step(
    in_a, organizer, teacher, artist, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_request(organizer, artist)

    [notice] = mail.outbox
    assert notice.to == [teacher.email]
    assert notice.subject == f"[{in_a.name}] Booking Spring festival: requested"
    assert "Ana Tango" in notice.body and f"/artists/bookings/{booking.pk}/" in notice.body
    html = html_of(notice)
    assert "<html" in html and in_a.name in html

    entry = booking.entries.get(action="requested")
    artist_booking_notify_task.delay(entry_id=entry.pk)  # a redelivery
    assert len(mail.outbox) == 1


def test_an_invitation_is_themed_and_sent_once_per_profile_and_account(
    in_a, django_capture_on_commit_callbacks
):
    staff = user_with_role(Role.ADMIN)
    profile = artist_profile_create(actor=staff, name="Carlos Salsa")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        user = artist_invite(actor=staff, profile=profile, email="carlos@example.org")

    [invitation] = mail.outbox
    assert invitation.subject == f"{in_a.name} invites you to Pista"
    assert "Hello Carlos Salsa" in invitation.body
    assert "/accounts/password/reset/key/" in invitation.body
    html = html_of(invitation)
    assert "<html" in html and in_a.name in html
    assert "<p>Hello Carlos Salsa,</p>" in html

    artist_invitation_send_task.delay(user_id=user.pk, profile_id=profile.pk)
    assert len(mail.outbox) == 1


def test_artist_emails_are_rendered_in_the_communitys_language(
    in_a, organizer, artist, django_capture_on_commit_callbacks
):
    Community.objects.filter(pk=in_a.pk).update(language="es")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_request(organizer, artist)

    [notice] = mail.outbox
    assert 'lang="es"' in html_of(notice)
