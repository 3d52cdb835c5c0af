"""Venues, spaces and opening hours in the back office: every write goes
through the venues' services (audited, their rules applied), for staff only,
per community; prices are typed as decimals and shown formatted."""

from __future__ import annotations

from datetime import date, time
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.privacy.models import AuditEntry
from core_apps.venues.models import OpeningHours, Space, SpaceBooking, Venue
from core_apps.venues.services import space_booking_approve, space_booking_request
from tests.conftest import community_host, login
from tests.core_apps.events.factories import organizer_create
from tests.core_apps.venues.factories import SpaceFactory, VenueFactory, berlin, user_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VENUE = {
    "name": "Salón Norte",
    "address": "Calle 1, Madrid",
    "time_zone": "Europe/Madrid",
    "latitude": "40.416800",
    "longitude": "-3.703800",
    "house_rules": "Clean shoes.",
}
SPACE = {
    "name": "Big Room",
    "size_m2": "150",
    "capacity": "60",
    "floor_type": "sprung_wood",
    "mirrors": "on",
    "currency": "EUR",
    "hourly_rate": "129.50",
    "peak_hourly_rate": "",
    "minimum_minutes": "60",
    "setup_minutes": "15",
    "teardown_minutes": "0",
}


def hours_form(**rows: tuple[str, str]) -> dict[str, str]:
    """``d1_0=("09:00", "12:00")`` → the editor's POST data (empty elsewhere)."""
    data = {}
    for key, (opens, closes) in rows.items():
        data[f"{key}_opens"], data[f"{key}_closes"] = opens, closes
    return data


@pytest.fixture
def admin(in_a, client_a, community_a):
    user = user_with_role(Role.ADMIN)
    login(client_a, community_a, user)
    return user


def confirmed_booking(space: Space, *args: int) -> SpaceBooking:
    """A confirmed booking of ``space`` 19:00-21:00 Berlin time on ``args`` (y, m, d)."""
    manager = user_with_role(Role.VENUE_MANAGER)
    space.venue.managers.add(manager)
    booking = space_booking_request(
        requester=user_with_role(Role.ORGANIZER),
        space=space,
        title="Tuesday class",
        starts_at=berlin(*args, 19),
        ends_at=berlin(*args, 21),
    )[0]
    return space_booking_approve(actor=manager, booking=booking)


def test_the_venues_list_links_to_every_editor(client_a, admin):
    venue = VenueFactory(name="Studio Eins")
    space = SpaceFactory(venue=venue)
    page = client_a.get("/manage/venues/").content.decode()
    for url in (
        "/manage/venues/new/",
        f"/manage/venues/{venue.pk}/",
        f"/manage/venues/{venue.pk}/hours/",
        f"/manage/venues/{venue.pk}/spaces/{space.pk}/",
        f"/manage/venues/{venue.pk}/blackouts/",
    ):
        assert url in page
    assert "/cms/snippets/venues/" not in page


def test_creating_and_editing_a_venue_is_audited(client_a, admin):
    manager = user_with_role(Role.VENUE_MANAGER)
    response = client_a.post("/manage/venues/new/", {**VENUE, "managers": [manager.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    venue = Venue.objects.get(name="Salón Norte")
    assert (venue.slug, venue.time_zone) == ("salon-norte", "Europe/Madrid")
    assert list(venue.managers.all()) == [manager]
    created = AuditEntry.objects.get(action="venue.create")
    assert created.actor == admin and created.data["managers"] == [manager.pk]

    response = client_a.post(
        f"/manage/venues/{venue.pk}/", {**VENUE, "house_rules": "No heels.", "managers": []}
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.house_rules == "No heels." and not venue.managers.exists()
    updated = AuditEntry.objects.get(action="venue.update")
    assert updated.actor == admin
    assert updated.data["changed"] == ["house_rules", "managers"]


def test_a_bad_time_zone_or_an_empty_name_is_refused(client_a, admin):
    assert (
        client_a.post("/manage/venues/new/", {**VENUE, "time_zone": "Mars/Olympus"}).status_code
        == 400
    )
    assert client_a.post("/manage/venues/new/", {**VENUE, "name": "   "}).status_code == 400
    assert not Venue.objects.exists()
    assert not AuditEntry.objects.filter(action="venue.create").exists()


def test_a_space_price_is_typed_as_a_decimal_stored_in_minor_units_and_shown_formatted(
    client_a, admin
):
    venue = VenueFactory()
    form = client_a.get(f"/manage/venues/{venue.pk}/spaces/new/").content.decode()
    assert "cents" not in form.lower() and "minor units" not in form.lower()
    response = client_a.post(
        f"/manage/venues/{venue.pk}/spaces/new/", {**SPACE, "peak_weekdays": ["4", "5"]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    space = Space.objects.get(venue=venue)
    assert (space.hourly_rate_minor, space.setup_minutes, space.mirrors) == (12950, 15, True)
    assert AuditEntry.objects.get(action="space.create").data == {
        "venue": venue.pk,
        "name": "Big Room",
    }
    edit = client_a.get(f"/manage/venues/{venue.pk}/spaces/{space.pk}/").content.decode()
    assert 'value="129.50"' in edit
    assert "€129.50" in client_a.get(f"/manage/venues/{venue.pk}/").content.decode()

    response = client_a.post(
        f"/manage/venues/{venue.pk}/spaces/{space.pk}/",
        {
            **SPACE,
            "hourly_rate": "80,00",
            "peak_hourly_rate": "95",
            "peak_starts": "18:00",
            "peak_ends": "22:00",
            "peak_weekdays": ["0", "1"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    space.refresh_from_db()
    assert (space.hourly_rate_minor, space.peak_hourly_rate_minor) == (8000, 9500)
    assert space.peak_weekdays == [0, 1]
    changed = AuditEntry.objects.get(action="space.update").data["changed"]
    assert {"hourly_rate_minor", "peak_hourly_rate_minor", "peak_weekdays"} <= set(changed)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hourly_rate": "12.345"}, "at most 2 decimals"),
        ({"hourly_rate": "-1"}, "greater than or equal to 0"),
        ({"hourly_rate": "lots"}, "Enter a number"),
        ({"peak_hourly_rate": "40"}, "A peak rate needs the hours it applies"),
    ],
)
def test_bad_prices_are_a_message_and_nothing_is_saved(client_a, admin, change, message):
    venue = VenueFactory()
    response = client_a.post(f"/manage/venues/{venue.pk}/spaces/new/", {**SPACE, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Space.objects.exists()


def test_a_space_with_a_confirmed_booking_to_come_cannot_be_deleted(client_a, admin):
    space = SpaceFactory(name="Main Hall")
    booking = confirmed_booking(space, 2031, 5, 13)
    url = f"/manage/venues/{space.venue_id}/spaces/{space.pk}/delete/"
    assert client_a.get(url).status_code == 200
    response = client_a.post(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "confirmed bookings still to come" in page and f"#{booking.pk}" in page
    assert Space.objects.filter(pk=space.pk).exists()
    assert not AuditEntry.objects.filter(action="space.delete").exists()


def test_a_space_never_booked_is_deleted_and_audited(client_a, admin):
    space = SpaceFactory(name="Small Room")
    response = client_a.post(f"/manage/venues/{space.venue_id}/spaces/{space.pk}/delete/")
    assert response.status_code == 302
    assert not Space.objects.filter(pk=space.pk).exists()
    entry = AuditEntry.objects.get(action="space.delete")
    assert entry.actor == admin and entry.data == {"space": space.pk, "name": "Small Room"}


def test_opening_hours_are_set_per_weekday_and_audited(client_a, admin):
    venue = VenueFactory()
    OpeningHours.objects.create(venue=venue, weekday=6, opens=time(10), closes=time(12))
    page = client_a.get(f"/manage/venues/{venue.pk}/hours/").content.decode()
    assert "Monday" in page and "Sunday" in page and 'value="10:00"' in page
    response = client_a.post(
        f"/manage/venues/{venue.pk}/hours/",
        hours_form(d0_0=("18:00", "23:00"), d5_0=("10:00", "14:00"), d5_1=("16:00", "23:30")),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(h.weekday, h.opens, h.closes) for h in venue.opening_hours.all()] == [
        (0, time(18), time(23)),
        (5, time(10), time(14)),
        (5, time(16), time(23, 30)),
    ]
    entry = AuditEntry.objects.get(action="venue.opening_hours_set")
    assert entry.actor == admin and len(entry.data["hours"]) == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"d2_0": ("10:00", "14:00"), "d2_1": ("13:00", "18:00")}, "overlap"),
        ({"d3_0": ("22:00", "09:00")}, "closes before it opens"),
        ({"d4_0": ("10:00", "")}, "Give both the opening and the closing time."),
    ],
)
def test_bad_opening_hours_are_refused_and_nothing_changes(client_a, admin, rows, message):
    venue = VenueFactory()
    OpeningHours.objects.create(venue=venue, weekday=6, opens=time(10), closes=time(12))
    response = client_a.post(f"/manage/venues/{venue.pk}/hours/", hours_form(**rows))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert [h.weekday for h in venue.opening_hours.all()] == [6]
    assert not AuditEntry.objects.filter(action="venue.opening_hours_set").exists()


def test_hours_that_would_strand_a_confirmed_booking_are_refused(client_a, admin):
    space = SpaceFactory()
    booking = confirmed_booking(space, 2031, 5, 13)  # a Tuesday, 19:00-21:00
    url = f"/manage/venues/{space.venue_id}/hours/"
    response = client_a.post(url, hours_form(d1_0=("09:00", "20:00")))
    assert response.status_code == 409
    page = response.content.decode()
    assert f"#{booking.pk}" in page and "Tue 2031-05-13 19:00-21:00" in page
    assert not OpeningHours.objects.exists()
    # Hours that still hold the booking are fine.
    assert client_a.post(url, hours_form(d1_0=("18:00", "22:00"))).status_code == 302


def test_members_and_organizers_cannot_write_venues(in_a, client_a, community_a):
    venue = VenueFactory(name="Untouched")
    space = SpaceFactory(venue=venue, name="Kept")
    writes = [
        ("/manage/venues/new/", VENUE),
        (f"/manage/venues/{venue.pk}/", {**VENUE, "name": "Taken"}),
        (f"/manage/venues/{venue.pk}/spaces/new/", SPACE),
        (f"/manage/venues/{venue.pk}/spaces/{space.pk}/", {**SPACE, "name": "Taken"}),
        (f"/manage/venues/{venue.pk}/spaces/{space.pk}/delete/", {}),
        (f"/manage/venues/{venue.pk}/hours/", hours_form(d0_0=("09:00", "10:00"))),
    ]
    for user in (UserFactory(), organizer_create()):
        login(client_a, community_a, user)
        for url, data in writes:
            assert client_a.post(url, data).status_code == 403, url
    client_a.logout()
    assert client_a.post(writes[0][0], VENUE).status_code == 302  # to the sign-in page
    venue.refresh_from_db()
    assert venue.name == "Untouched" and list(venue.spaces.values_list("name", flat=True)) == [
        "Kept"
    ]
    assert Venue.objects.count() == 1 and not OpeningHours.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="venue.").exists()
    assert not AuditEntry.objects.filter(action__startswith="space.").exists()


def test_another_communitys_venue_and_space_are_not_found(client_a, admin, community_b):
    with schema_context(community_b.schema_name):
        # Ids that A does not use, so a leak could not pass for A's own row.
        other = VenueFactory(pk=900_001, name="Beta Hall")
        other_space = SpaceFactory(pk=900_002, venue=other, name="Beta Room")
    own = VenueFactory()
    elsewhere = SpaceFactory()  # another venue's space in A
    urls = [
        f"/manage/venues/{other.pk}/",
        f"/manage/venues/{other.pk}/hours/",
        f"/manage/venues/{other.pk}/spaces/new/",
        f"/manage/venues/{other.pk}/spaces/{other_space.pk}/",
        f"/manage/venues/{other.pk}/spaces/{other_space.pk}/delete/",
        f"/manage/venues/{own.pk}/spaces/{other_space.pk}/",
        # A space is reached through its own venue only.
        f"/manage/venues/{own.pk}/spaces/{elsewhere.pk}/",
        f"/manage/venues/{own.pk}/spaces/{elsewhere.pk}/delete/",
    ]
    for url in urls:
        assert client_a.get(url).status_code == 404, url
        assert client_a.post(url, {**VENUE, **SPACE}).status_code == 404, url
    with schema_context(community_b.schema_name):
        assert Venue.objects.get(pk=other.pk).name == "Beta Hall"
        assert Space.objects.get(pk=other_space.pk).name == "Beta Room"
    assert Space.objects.filter(pk=elsewhere.pk).exists()


# --- a venue's managers run their own venues ("My venues") -------------------------


@pytest.fixture
def manager(in_a, client_a, community_a):
    """A venue manager (the role holds no permission) signed in on A's host."""
    user = user_with_role(Role.VENUE_MANAGER)
    login(client_a, community_a, user)
    return user


def test_a_manager_clicks_from_the_account_menu_to_my_venues_and_sees_only_their_own(
    client_a, manager
):
    own = VenueFactory(name="Salón Propio", managers=[manager])
    SpaceFactory(venue=own, name="Sala Uno")
    VenueFactory(name="Someone Else's Hall")
    menu = client_a.get("/venues/").content.decode()
    assert '<a href="/manage/venues/">My venues</a>' in menu

    assert client_a.get("/manage/")["Location"] == "/manage/venues/"
    page = client_a.get("/manage/venues/").content.decode()
    assert "<h1>My venues</h1>" in page
    assert "Salón Propio" in page and "Someone Else" not in page
    for url in (
        f"/manage/venues/{own.pk}/",
        f"/manage/venues/{own.pk}/hours/",
        f"/manage/venues/{own.pk}/blackouts/",
        f"/manage/venues/{own.pk}/spaces/{own.spaces.get().pk}/",
    ):
        assert url in page
        assert client_a.get(url).status_code == 200, url
    # The other sections are not offered (nor open, below).
    for section in ("/manage/orders/", "/manage/dashboard/", "/manage/payments/", "/cms/"):
        assert f'href="{section}"' not in page
    assert "/manage/venues/new/" not in page


def test_members_who_manage_no_venue_get_no_link_and_no_back_office(client_a, in_a, community_a):
    member = user_with_role(Role.MEMBER)
    login(client_a, community_a, member)
    VenueFactory()
    assert "My venues" not in client_a.get("/venues/").content.decode()
    for url in ("/manage/", "/manage/venues/"):
        assert client_a.get(url).status_code == 403, url


def test_a_manager_edits_their_venue_but_not_who_manages_it(client_a, manager):
    colleague = user_with_role(Role.VENUE_MANAGER)
    venue = VenueFactory(managers=[manager, colleague])
    form = client_a.get(f"/manage/venues/{venue.pk}/").content.decode()
    assert 'name="managers"' not in form
    response = client_a.post(
        f"/manage/venues/{venue.pk}/",
        {**VENUE, "house_rules": "No street shoes.", "managers": []},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    venue.refresh_from_db()
    assert venue.house_rules == "No street shoes." and venue.name == "Salón Norte"
    assert set(venue.managers.all()) == {manager, colleague}
    entry = AuditEntry.objects.get(action="venue.update")
    assert entry.actor == manager and "managers" not in entry.data["changed"]
    assert "house_rules" in entry.data["changed"]


def test_a_manager_adds_deactivates_and_reactivates_a_space(client_a, manager):
    venue = VenueFactory(managers=[manager])
    response = client_a.post(f"/manage/venues/{venue.pk}/spaces/new/", SPACE)
    assert response.status_code == 302, response.content.decode()[:3000]
    space = Space.objects.get(venue=venue)
    assert AuditEntry.objects.get(action="space.create").actor == manager
    edit = client_a.get(f"/manage/venues/{venue.pk}/spaces/{space.pk}/").content.decode()
    assert "Deactivate the space" in edit

    assert client_a.get(f"/manage/venues/{venue.pk}/spaces/{space.pk}/deactivate/").status_code == (
        405
    )
    response = client_a.post(f"/manage/venues/{venue.pk}/spaces/{space.pk}/deactivate/")
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.is_active is False
    assert AuditEntry.objects.get(action="space.deactivate").actor == manager
    listing = client_a.get(f"/manage/venues/{venue.pk}/").content.decode()
    assert "Big Room is deactivated: it takes no new requests." in listing
    assert 'data-status="inactive"' in listing
    assert "Big Room" not in client_a.get(f"/venues/{venue.slug}/").content.decode()
    assert (
        "Reactivate the space"
        in client_a.get(f"/manage/venues/{venue.pk}/spaces/{space.pk}/").content.decode()
    )

    response = client_a.post(f"/manage/venues/{venue.pk}/spaces/{space.pk}/activate/")
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.is_active is True
    assert AuditEntry.objects.get(action="space.activate").actor == manager
    assert "Big Room" in client_a.get(f"/venues/{venue.slug}/").content.decode()


def test_a_manager_sets_the_hours_and_closes_and_reopens_a_day(client_a, manager):
    venue = VenueFactory(managers=[manager])
    response = client_a.post(
        f"/manage/venues/{venue.pk}/hours/", hours_form(d4_0=("18:00", "23:00"))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(h.weekday, h.opens) for h in venue.opening_hours.all()] == [(4, time(18))]
    assert AuditEntry.objects.get(action="venue.opening_hours_set").actor == manager
    assert "Friday 18:00-23:00" in client_a.get(f"/venues/{venue.slug}/").content.decode()

    url = f"/manage/venues/{venue.pk}/blackouts/"
    response = client_a.post(url, {"day": "2031-05-13", "reason": "Floor works"})
    assert response["Location"] == url
    blackout = venue.blackout_dates.get()
    assert AuditEntry.objects.get(action="venue.blackout_add").actor == manager
    page = client_a.get(url).content.decode()
    assert 'data-blackout="2031-05-13"' in page and "Floor works" in page

    response = client_a.post(f"{url}{blackout.pk}/reopen/")
    assert response.status_code == 302
    assert not venue.blackout_dates.exists()
    entry = AuditEntry.objects.get(action="venue.blackout_remove")
    assert entry.actor == manager
    assert entry.data == {"date": "2031-05-13", "reason": "Floor works"}
    assert "is open again on" in client_a.get(url).content.decode()


def test_a_manager_gets_403_on_another_venue_of_the_community(client_a, manager):
    VenueFactory(managers=[manager])
    other = VenueFactory(name="Not Theirs")
    space = SpaceFactory(venue=other, name="Their Room")
    blackout = other.blackout_dates.create(date=date(2031, 5, 13), reason="Kept")
    base = f"/manage/venues/{other.pk}"
    writes = [
        (f"{base}/", {**VENUE, "name": "Taken"}),
        (f"{base}/hours/", hours_form(d0_0=("09:00", "10:00"))),
        (f"{base}/blackouts/", {"day": "2031-05-14"}),
        (f"{base}/blackouts/{blackout.pk}/reopen/", {}),
        (f"{base}/spaces/new/", SPACE),
        (f"{base}/spaces/{space.pk}/", {**SPACE, "name": "Taken"}),
        (f"{base}/spaces/{space.pk}/deactivate/", {}),
        (f"{base}/spaces/{space.pk}/delete/", {}),
    ]
    for url, data in writes:
        assert client_a.get(url).status_code in (403, 405), url
        assert client_a.post(url, data).status_code == 403, url
    other.refresh_from_db()
    space.refresh_from_db()
    assert other.name == "Not Theirs" and space.name == "Their Room" and space.is_active
    assert list(other.blackout_dates.values_list("reason", flat=True)) == ["Kept"]
    assert not other.opening_hours.exists()
    assert not AuditEntry.objects.filter(action__regex=r"^(venue|space)\.").exists()


def test_a_manager_gets_403_on_every_other_back_office_section(client_a, manager):
    VenueFactory(managers=[manager])
    for url in (
        "/manage/dashboard/",
        "/manage/events/",
        "/manage/catalogue/",
        "/manage/orders/",
        "/manage/promo-codes/",
        "/manage/waitlists/",
        "/manage/checkin/",
        "/manage/payments/",
        "/manage/artists/",
        "/manage/venues/new/",
    ):
        assert client_a.get(url).status_code == 403, url
    assert client_a.post("/manage/venues/new/", VENUE).status_code == 403
    assert Venue.objects.count() == 1


def test_a_manager_of_a_venue_in_alpha_has_no_access_in_beta(
    in_a, client_a, community_a, community_b
):
    # The same ids in both communities, so a leak could not pass for a miss.
    manager = user_with_role(Role.VENUE_MANAGER, pk=900_021)
    own = VenueFactory(pk=900_022, managers=[manager])
    login(client_a, community_a, manager)
    with schema_context(community_b.schema_name):
        namesake = UserFactory(pk=900_021)
        beta = VenueFactory(pk=900_023, name="Beta Hall", managers=[namesake])
        beta_space = SpaceFactory(venue=beta, name="Beta Room")
    # On B's host A's session cookie signs no one in. (A client of its own: B's
    # answer drops the unknown cookie, as a browser keeps cookies per host.)
    beta_client = Client(HTTP_HOST=community_host(community_b))
    beta_client.cookies = SimpleCookie(client_a.cookies)
    for url in ("/manage/venues/", f"/manage/venues/{beta.pk}/", f"/manage/venues/{own.pk}/"):
        response = beta_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert "My venues" not in beta_client.get("/venues/").content.decode()
    # On A's host B's venue does not exist.
    for url in (
        f"/manage/venues/{beta.pk}/",
        f"/manage/venues/{beta.pk}/hours/",
        f"/manage/venues/{beta.pk}/spaces/{beta_space.pk}/deactivate/",
    ):
        assert client_a.post(url, {**VENUE, **SPACE}).status_code == 404, url
    assert "Beta Hall" not in client_a.get("/manage/venues/").content.decode()
    with schema_context(community_b.schema_name):
        assert Venue.objects.get(pk=beta.pk).name == "Beta Hall"
        assert Space.objects.get(pk=beta_space.pk).is_active


def test_a_manager_needs_no_second_factor_for_their_venue_but_staff_do(in_a, client_a, community_a):
    """The second factor is asked by permission (StaffMFAMiddleware): a venue
    manager holds none, staff do."""
    manager = user_with_role(Role.VENUE_MANAGER)
    VenueFactory(managers=[manager])
    login(client_a, community_a, manager, mfa=False)
    assert client_a.get("/manage/venues/").status_code == 200
    login(client_a, community_a, user_with_role(Role.ADMIN), mfa=False)
    response = client_a.get("/manage/venues/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_staff_still_see_every_venue_with_its_inactive_spaces(client_a, admin):
    manager = user_with_role(Role.VENUE_MANAGER)
    venue = VenueFactory(name="Studio Eins", managers=[manager])
    space = SpaceFactory(venue=venue, name="Old Room", is_active=False)
    VenueFactory(name="Studio Zwei")
    page = client_a.get("/manage/venues/").content.decode()
    assert "<h1>Venues</h1>" in page and "Studio Eins" in page and "Studio Zwei" in page
    assert "Old Room" in page and "(inactive)" in page
    assert 'href="/manage/orders/"' in page and "/manage/venues/new/" in page
    form = client_a.get(f"/manage/venues/{venue.pk}/").content.decode()
    assert 'name="managers"' in form
    response = client_a.post(f"/manage/venues/{venue.pk}/spaces/{space.pk}/activate/")
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="space.activate").actor == admin
