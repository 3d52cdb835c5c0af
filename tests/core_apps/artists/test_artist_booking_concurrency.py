"""No double booking of an artist under real concurrency."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.artists.models import ArtistBooking
from core_apps.artists.services import artist_booking_accept, artist_booking_request
from tests.core_apps.venues.factories import ArtistFactory, berlin, user_with_role
from tests.core_apps.venues.test_space_booking_concurrency import run_concurrently

ATTEMPTS = 50


def test_fifty_concurrent_accepts_of_overlapping_gigs_confirm_exactly_one(committed_a):
    teacher = user_with_role(Role.TEACHER)
    organizers = [user_with_role(Role.ORGANIZER) for _ in range(5)]
    artist = ArtistFactory(user=teacher)
    try:
        requests = []
        for n in range(ATTEMPTS):
            start = berlin(2031, 9, 12, 10) + timedelta(minutes=n)
            requests.append(
                artist_booking_request(
                    organizer=organizers[n % 5],
                    artist=artist,
                    title=f"Festival {n}",
                    starts_at=start,
                    ends_at=start + timedelta(hours=8),
                    fee_minor=50000,
                    currency="EUR",
                )
            )
        calls = [
            (lambda booking=booking: artist_booking_accept(actor=teacher, booking=booking))
            for booking in requests
        ]

        successes, conflicts = run_concurrently(committed_a.schema_name, calls)

        assert len(successes) == 1
        assert len(conflicts) == ATTEMPTS - 1
        assert {c.extra["conflicting_booking"] for c in conflicts} == {successes[0].pk}
        confirmed = ArtistBooking.objects.filter(artist=artist, status="confirmed")
        assert list(confirmed.values_list("pk", flat=True)) == [successes[0].pk]
    finally:
        ArtistBooking.objects.filter(artist=artist).delete()
        artist.delete()
        User.objects.filter(pk__in=[teacher.pk, *(o.pk for o in organizers)]).delete()


def test_artist_bookings_carry_the_exclusion_constraint(in_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = %s AND c.conname = 'artists_booking_no_overlap'",
            [in_a.schema_name],
        )
        (definition,) = cursor.fetchone()
    assert "int8range(artist_id, artist_id, '[]'::text) WITH &&" in definition
    assert "tstzrange(starts_at, ends_at) WITH &&" in definition
    assert "WHERE (((status)::text = 'confirmed'::text))" in definition
