"""No double booking under real concurrency: threads, their own connections,
committed rows, PostgreSQL's exclusion constraint as the only guard."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.db import connection
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.bookings.ranges import BookingConflict
from core_apps.venues.models import SpaceBooking, VenueInvoice
from core_apps.venues.services import space_booking_approve, space_booking_request
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role

ATTEMPTS = 50


def run_concurrently(schema: str, calls: list) -> tuple[list, list]:
    """Run each call in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    successes, conflicts, errors = [], [], []
    lock = threading.Lock()

    def worker(call) -> None:
        try:
            with schema_context(schema):
                barrier.wait(timeout=60)
                try:
                    result = call()
                except BookingConflict as exc:
                    with lock:
                        conflicts.append(exc)
                else:
                    with lock:
                        successes.append(result)
        except Exception as exc:  # surfaced by the assertion below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return successes, conflicts


def test_fifty_concurrent_approvals_of_overlapping_requests_confirm_exactly_one(committed_a):
    manager = user_with_role(Role.VENUE_MANAGER)
    organizers = [user_with_role(Role.ORGANIZER) for _ in range(5)]
    venue = VenueFactory(managers=[manager])
    space = SpaceFactory(venue=venue, setup_minutes=15, teardown_minutes=15)
    try:
        requests = []
        for n in range(ATTEMPTS):
            start = berlin(2031, 3, 4, 18, 0) + timedelta(minutes=n)  # all overlap
            requests += space_booking_request(
                requester=organizers[n % 5],
                space=space,
                title=f"Practica {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
        calls = [
            (lambda booking=booking: space_booking_approve(actor=manager, booking=booking))
            for booking in requests
        ]

        successes, conflicts = run_concurrently(committed_a.schema_name, calls)

        assert len(successes) == 1
        assert len(conflicts) == ATTEMPTS - 1
        winner = successes[0]
        assert all(c.extra["conflicting_booking"] == winner.pk for c in conflicts)
        confirmed = SpaceBooking.objects.filter(space=space, status="confirmed")
        assert list(confirmed.values_list("pk", flat=True)) == [winner.pk]
        assert VenueInvoice.objects.filter(booking__space=space).count() == 1
    finally:
        VenueInvoice.objects.filter(booking__space=space).delete()
        SpaceBooking.objects.filter(space=space).delete()
        space.venue.delete()
        User.objects.filter(pk__in=[manager.pk, *(o.pk for o in organizers)]).delete()


def test_concurrent_approvals_of_back_to_back_requests_all_succeed(committed_a):
    manager = user_with_role(Role.VENUE_MANAGER)
    organizer = user_with_role(Role.ORGANIZER)
    space = SpaceFactory(venue=VenueFactory(managers=[manager]))
    try:
        requests = []
        for n in range(6):
            start = berlin(2031, 3, 5, 10, 0) + timedelta(hours=n)
            requests += space_booking_request(
                requester=organizer,
                space=space,
                title=f"Class {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
        calls = [
            (lambda booking=booking: space_booking_approve(actor=manager, booking=booking))
            for booking in requests
        ]

        successes, conflicts = run_concurrently(committed_a.schema_name, calls)

        assert len(successes) == 6
        assert conflicts == []
    finally:
        VenueInvoice.objects.filter(booking__space=space).delete()
        SpaceBooking.objects.filter(space=space).delete()
        space.venue.delete()
        User.objects.filter(pk__in=[manager.pk, organizer.pk]).delete()


def test_space_bookings_carry_the_exclusion_constraint_in_every_community(in_a, community_b):
    # Also makes pytest-django set up the test database when this module runs
    # alone (the threaded tests above work outside its transaction).
    for schema in (in_a.schema_name, community_b.schema_name):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = %s AND c.conname = 'venues_booking_no_overlap'",
                [schema],
            )
            (definition,) = cursor.fetchone()
        assert "EXCLUDE USING gist" in definition
        assert "int8range(space_id, space_id, '[]'::text) WITH &&" in definition
        assert "tstzrange(blocked_from, blocked_until) WITH &&" in definition
