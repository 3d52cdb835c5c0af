"""Fees and deposits are typed as decimals in their currency, stored in minor
units, and shown back as decimals: no form says "cents" or "minor units"."""

from __future__ import annotations

import pytest
from django.test import Client

from core_apps.accounts.roles import Role
from core_apps.artists.models import ArtistBooking, ArtistProfile
from tests.conftest import community_host, login
from tests.core_apps.venues.factories import ArtistFactory, user_with_role

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "Ana Tango",
    "styles": "tango",
    "dance_role": "both",
    "fee_currency": "EUR",
    "fee_class": "129.50",
    "fee_workshop": "300",
    "fee_weekend": "",
    "is_public": "on",
}
REQUEST = {
    "title": "Spring festival",
    "starts_at": "2031-04-11T10:00",
    "ends_at": "2031-04-13T18:00",
    "fee": "129.50",
    "currency": "EUR",
    "deposit": "20",
}


def no_unit_jargon(html: str) -> None:
    text = html.lower()
    assert "cents" not in text and "minor units" not in text and "_minor" not in text


def client_for(community, user) -> Client:
    client = Client(HTTP_HOST=community_host(community))
    login(client, community, user)
    return client


@pytest.fixture
def people(in_a, community_a):
    teacher = user_with_role(Role.TEACHER)
    artist = ArtistFactory(user=teacher, name="Ana Tango", slug="ana-tango")
    return {
        "artist": artist,
        "admin": client_for(community_a, user_with_role(Role.ADMIN)),
        "teacher": client_for(community_a, teacher),
        "organizer": client_for(community_a, user_with_role(Role.ORGANIZER)),
    }


def test_staff_type_an_artists_fees_as_decimals_and_see_them_back(people):
    artist, admin = people["artist"], people["admin"]
    no_unit_jargon(admin.get("/manage/artists/new/").content.decode())
    response = admin.post(f"/manage/artists/{artist.pk}/", PROFILE)
    assert response.status_code == 302, response.content.decode()[:3000]
    artist.refresh_from_db()
    assert (artist.fee_class_minor, artist.fee_workshop_minor, artist.fee_weekend_minor) == (
        12950,
        30000,
        None,
    )
    page = admin.get(f"/manage/artists/{artist.pk}/").content.decode()
    no_unit_jargon(page)
    assert 'value="129.50"' in page and 'value="300.00"' in page


def test_the_artists_own_profile_form_takes_and_shows_decimals(people):
    teacher = people["teacher"]
    no_unit_jargon(teacher.get("/artists/me/").content.decode())
    response = teacher.post("/artists/me/", {**PROFILE, "fee_class": "99,90"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ArtistProfile.objects.get(pk=people["artist"].pk).fee_class_minor == 9990
    assert 'value="99.90"' in teacher.get("/artists/me/").content.decode()


def test_a_fee_with_more_decimals_than_the_currency_has_is_refused(people):
    response = people["admin"].post(
        f"/manage/artists/{people['artist'].pk}/", {**PROFILE, "fee_class": "12.345"}
    )
    assert response.status_code == 400
    assert "EUR amounts have at most 2 decimals." in response.content.decode()
    assert ArtistProfile.objects.get(pk=people["artist"].pk).fee_class_minor is None


def test_booking_request_and_counter_offer_take_decimals(people):
    artist, organizer, teacher = people["artist"], people["organizer"], people["teacher"]
    no_unit_jargon(organizer.get(f"/artists/{artist.slug}/book/").content.decode())
    response = organizer.post(f"/artists/{artist.slug}/book/", REQUEST)
    assert response.status_code == 302, response.content.decode()[:3000]
    booking = ArtistBooking.objects.get(artist=artist)
    assert (booking.fee_minor, booking.deposit_minor) == (12950, 2000)

    page = teacher.get(f"/artists/bookings/{booking.pk}/").content.decode()
    no_unit_jargon(page)
    assert "€129.50" in page  # the terms, formatted
    assert 'value="129.50"' in page and 'value="20.00"' in page  # the counter form

    bad = teacher.post(
        f"/artists/bookings/{booking.pk}/counter/", {"fee": "140.505", "currency": "EUR"}
    )
    assert bad.status_code == 400
    countered = teacher.post(
        f"/artists/bookings/{booking.pk}/counter/",
        {"fee": "140.5", "deposit": "", "currency": "EUR"},
    )
    assert countered.status_code == 302
    booking.refresh_from_db()
    assert (booking.fee_minor, booking.deposit_minor, booking.status) == (14050, 2000, "countered")
