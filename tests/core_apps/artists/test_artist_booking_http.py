"""The artist booking workflow through HTTP as organizer and artist, profiles,
the gig feed, and isolation between communities."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from core_apps.accounts.roles import Role
from core_apps.artists.models import ArtistBooking, ArtistProfile
from tests.core_apps.venues.factories import ArtistFactory, berlin, user_with_role


def post_json(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def logged_in(host, user, community):
    connection.set_tenant(community)
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def sides(in_a, client_a):
    host = client_a.defaults["HTTP_HOST"]
    teacher = user_with_role(Role.TEACHER)
    organizer = user_with_role(Role.ORGANIZER)
    artist = ArtistFactory(user=teacher, name="Ana Tango", slug="ana-tango")
    return {
        "artist": artist,
        "teacher": logged_in(host, teacher, in_a),
        "organizer": logged_in(host, organizer, in_a),
    }


def request_body(artist, **overrides):
    return {
        "artist": artist.pk,
        "title": "Spring festival",
        "starts_at": berlin(2031, 4, 11, 10).isoformat(),
        "ends_at": berlin(2031, 4, 13, 18).isoformat(),
        "fee_minor": 80000,
        "currency": "EUR",
        **overrides,
    }


def test_request_counter_accept_through_the_api_as_the_two_sides(sides):
    organizer, teacher = sides["organizer"], sides["teacher"]

    created = post_json(organizer, "/api/v1/artist-bookings/", request_body(sides["artist"]))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    base = f"/api/v1/artist-bookings/{pk}"

    own_terms = post_json(organizer, f"{base}/accept/")
    assert own_terms.status_code == 403
    assert own_terms.json()["code"] == "not_your_turn"

    other_currency = post_json(teacher, f"{base}/counter/", {"fee_minor": 90000, "currency": "USD"})
    assert other_currency.status_code == 400
    assert other_currency.json()["code"] == "currency_mismatch"

    countered = post_json(teacher, f"{base}/counter/", {"fee_minor": 90000, "currency": "EUR"})
    assert countered.status_code == 200
    assert (countered.json()["status"], countered.json()["offer_by"]) == ("countered", "artist")
    assert post_json(teacher, f"{base}/accept/").status_code == 403

    accepted = post_json(organizer, f"{base}/accept/")
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["fee_minor"]) == ("confirmed", 90000)

    assert post_json(organizer, f"{base}/decline/").json()["code"] == "invalid_transition"
    contract = teacher.get(f"/artists/bookings/{pk}/contract.pdf")
    assert contract.status_code == 200
    assert contract["Content-Type"] == "application/pdf"
    assert teacher.get("/api/v1/artist-bookings/").json()["count"] == 1


def test_the_workflow_through_the_html_pages(sides, in_a):
    organizer, teacher, artist = sides["organizer"], sides["teacher"], sides["artist"]
    form = {
        "title": "Weekend",
        "starts_at": "2031-04-11T10:00",
        "ends_at": "2031-04-13T18:00",
        "fee": "800",
        "currency": "EUR",
        "deposit": "0",
    }

    bad = organizer.post(f"/artists/{artist.slug}/book/", {**form, "ends_at": "2031-04-10T10:00"})
    assert bad.status_code == 400
    assert b"The end must be after the start." in bad.content
    sent = organizer.post(f"/artists/{artist.slug}/book/", form)
    assert sent.status_code == 302
    connection.set_tenant(in_a)
    booking = ArtistBooking.objects.get(artist=artist)

    assert organizer.post(f"/artists/bookings/{booking.pk}/accept/").status_code == 403
    page = teacher.get(f"/artists/bookings/{booking.pk}/")
    assert b"Accept these terms" in page.content
    countered = teacher.post(
        f"/artists/bookings/{booking.pk}/counter/", {"fee": "850.00", "currency": "EUR"}
    )
    assert countered.status_code == 302
    assert organizer.post(f"/artists/bookings/{booking.pk}/accept/").status_code == 302
    connection.set_tenant(in_a)
    booking.refresh_from_db()
    assert (booking.status, booking.fee_minor) == ("confirmed", 85000)
    assert b"Contract (PDF)" in organizer.get(f"/artists/bookings/{booking.pk}/").content
    assert b"countered" in organizer.get("/artists/bookings/").content  # in-app notification


def test_public_profile_pages_and_api(sides, client_a, in_a):
    ArtistProfile.objects.filter(pk=sides["artist"].pk).update(
        bio="<p>Hi</p>", video_url="https://www.youtube-nocookie.com/embed/x"
    )

    index = client_a.get("/artists/")
    profile = client_a.get("/artists/ana-tango/")
    api = client_a.get("/api/v1/artists/")

    assert index.status_code == profile.status_code == 200
    assert b"Ana Tango" in index.content
    assert b"data-video-embed=" in profile.content and b"<iframe" not in profile.content
    assert api.json()["results"][0]["slug"] == "ana-tango"
    assert client_a.get(f"/api/v1/artists/{sides['artist'].pk}/").json()["name"] == "Ana Tango"


def test_artist_edits_own_profile_with_sanitised_bio_and_checked_photo(sides, in_a):
    teacher = sides["teacher"]
    fields = {
        "name": "Ana T.",
        "dance_role": "follow",
        "fee_currency": "eur",
        "styles": "tango, vals",
    }
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, format="JPEG", exif=b"Exif\x00\x00MM\x00*")

    saved = teacher.post(
        "/artists/me/",
        {
            **fields,
            "bio": '<p onclick="x()">Hola<script>alert(1)</script></p>',
            "photo": SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg"),
        },
    )
    assert saved.status_code == 302
    not_image = teacher.post(
        "/artists/me/",
        {
            **fields,
            "photo": SimpleUploadedFile("evil.jpg", b"<?php system($_GET[1]);", "image/jpeg"),
        },
    )
    assert not_image.status_code == 400
    assert b"The file is not an image." in not_image.content
    huge = teacher.post(
        "/artists/me/",
        {
            **fields,
            "name": "Changed",
            "photo": SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), "image/jpeg"),
        },
    )
    assert huge.status_code == 400
    assert b"at most 5 MB" in huge.content

    connection.set_tenant(in_a)
    profile = ArtistProfile.objects.get(pk=sides["artist"].pk)
    assert profile.name == "Ana T."  # the refused uploads changed nothing
    assert profile.bio == "<p>Hola</p>"
    assert profile.styles == ["tango", "vals"]
    assert profile.fee_currency == "EUR"
    with profile.photo.open("rb") as stored, Image.open(stored) as image:
        assert "exif" not in image.info


def test_gig_feed_needs_the_artists_token(sides, client_a, in_a):
    artist = sides["artist"]
    pk = post_json(sides["organizer"], "/api/v1/artist-bookings/", request_body(artist)).json()[
        "id"
    ]
    post_json(sides["teacher"], f"/api/v1/artist-bookings/{pk}/accept/")
    connection.set_tenant(in_a)
    token = ArtistProfile.objects.get(pk=artist.pk).calendar_token

    assert client_a.get(f"/artists/{artist.slug}/gigs.ics").status_code == 404
    assert client_a.get(f"/artists/{artist.slug}/gigs.ics?token=wrong").status_code == 404
    feed = client_a.get(f"/artists/{artist.slug}/gigs.ics?token={token}")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Spring festival" in feed.content


def test_staff_create_a_profile_and_invite_the_artist(
    in_a, client_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    from core_apps.artists.services import artist_invite, artist_profile_create

    owner = user_with_role(Role.ADMIN)
    member = user_with_role(Role.MEMBER)
    from pista.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        artist_profile_create(actor=member, name="Someone")
    profile = artist_profile_create(actor=owner, name="Carlos Salsa", styles=["salsa"])
    assert profile.user is None and profile.slug == "carlos-salsa"

    with django_capture_on_commit_callbacks(execute=True):
        user = artist_invite(actor=owner, profile=profile, email="Carlos@Example.org")

    assert user.email == "carlos@example.org"
    assert set(user.groups.values_list("name", flat=True)) == {"teacher"}
    assert mail.outbox[-1].to == ["carlos@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_an_artist_of_community_a_is_invisible_and_unbookable_from_community_b(
    sides, client_b, community_b
):
    artist = sides["artist"]
    pk = post_json(sides["organizer"], "/api/v1/artist-bookings/", request_body(artist)).json()[
        "id"
    ]
    connection.set_tenant(community_b)
    assert not ArtistProfile.objects.filter(slug=artist.slug).exists()  # ORM in B's schema
    organizer_b = user_with_role(Role.ORGANIZER)
    client_b.force_login(organizer_b)

    assert client_b.get("/api/v1/artists/").json()["count"] == 0
    assert client_b.get(f"/api/v1/artists/{artist.pk}/").status_code == 404
    refused = post_json(client_b, "/api/v1/artist-bookings/", request_body(artist))
    assert refused.status_code == 404
    assert client_b.get(f"/api/v1/artist-bookings/{pk}/").status_code == 404
    assert post_json(client_b, f"/api/v1/artist-bookings/{pk}/accept/").status_code == 404
    assert b"Ana Tango" not in client_b.get("/artists/").content
    assert client_b.get(f"/artists/{artist.slug}/").status_code == 404
    assert client_b.post(f"/artists/{artist.slug}/book/", {}).status_code == 404
    assert client_b.get(f"/artists/bookings/{pk}/").status_code == 404
    connection.set_tenant(community_b)
    assert not ArtistBooking.objects.exists()


def test_artist_free_busy_shows_blocks_and_gigs_without_details(sides, client_a, in_a):
    from core_apps.artists.models import ArtistBlock

    artist = sides["artist"]
    pk = post_json(sides["organizer"], "/api/v1/artist-bookings/", request_body(artist)).json()[
        "id"
    ]
    post_json(sides["teacher"], f"/api/v1/artist-bookings/{pk}/accept/")
    connection.set_tenant(in_a)
    ArtistBlock.objects.create(
        artist=artist, starts_at=berlin(2031, 4, 20), ends_at=berlin(2031, 4, 25), note="Holiday"
    )

    response = client_a.get(
        f"/api/v1/artists/{artist.pk}/availability/",
        {"from": "2031-04-01T00:00:00Z", "to": "2031-05-01T00:00:00Z"},
    )
    backwards = client_a.get(
        f"/api/v1/artists/{artist.pk}/availability/",
        {"from": "2031-05-01T00:00:00Z", "to": "2031-04-01T00:00:00Z"},
    )

    assert response.status_code == 200
    assert [(p["kind"], p["starts_at"]) for p in response.json()["busy"]] == [
        ("gig", "2031-04-11T08:00:00Z"),
        ("blocked", "2031-04-19T22:00:00Z"),
    ]
    assert "Holiday" not in response.content.decode()
    assert backwards.status_code == 400


def test_odd_json_bodies_get_4xx_not_500(sides):
    pk = post_json(
        sides["organizer"], "/api/v1/artist-bookings/", request_body(sides["artist"])
    ).json()["id"]
    teacher = sides["teacher"]

    as_list = teacher.post(
        f"/api/v1/artist-bookings/{pk}/counter/", data="[1, 2]", content_type="application/json"
    )
    broken = teacher.post(
        f"/api/v1/artist-bookings/{pk}/counter/", data="{", content_type="application/json"
    )
    declined = teacher.post(
        f"/api/v1/artist-bookings/{pk}/decline/", data="[]", content_type="application/json"
    )

    assert as_list.status_code == 400
    assert broken.status_code == 400
    assert declined.status_code == 200


def test_staff_create_and_invite_through_the_api_and_others_cannot(
    in_a, client_a, client_b, community_b, django_capture_on_commit_callbacks
):
    from django.core import mail

    host = client_a.defaults["HTTP_HOST"]
    admin = logged_in(host, user_with_role(Role.ADMIN), in_a)
    member = logged_in(host, user_with_role(Role.MEMBER), in_a)

    assert post_json(member, "/api/v1/artists/", {"name": "Nope"}).status_code == 403
    assert post_json(client_a, "/api/v1/artists/", {"name": "Anon"}).status_code == 403
    created = post_json(admin, "/api/v1/artists/", {"name": "Rosa Bachata", "styles": ["bachata"]})
    assert created.status_code == 201
    pk = created.json()["id"]

    assert (
        post_json(member, f"/api/v1/artists/{pk}/invite/", {"email": "r@x.org"}).status_code == 403
    )
    assert post_json(admin, f"/api/v1/artists/{pk}/invite/", {"email": "nope"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        invited = post_json(admin, f"/api/v1/artists/{pk}/invite/", {"email": "rosa@example.org"})
    assert invited.status_code == 201
    assert mail.outbox[-1].to == ["rosa@example.org"]
    again = post_json(admin, f"/api/v1/artists/{pk}/invite/", {"email": "other@example.org"})
    assert again.status_code == 409

    connection.set_tenant(community_b)
    client_b.force_login(user_with_role(Role.ADMIN))
    assert (
        post_json(client_b, f"/api/v1/artists/{pk}/invite/", {"email": "x@y.org"}).status_code
        == 404
    )


def test_a_teacher_creates_their_own_profile_and_a_member_cannot(in_a, client_a):
    host = client_a.defaults["HTTP_HOST"]
    teacher_user = user_with_role(Role.TEACHER)
    teacher = logged_in(host, teacher_user, in_a)
    member = logged_in(host, user_with_role(Role.MEMBER), in_a)
    fields = {"name": "Nina Lindy", "dance_role": "both", "fee_currency": "GBP", "styles": "lindy"}

    created = teacher.post("/artists/me/", fields)
    refused = member.post("/artists/me/", fields)

    assert created.status_code == 302
    assert refused.status_code == 403
    assert b"Only staff or the teacher themselves" in refused.content
    connection.set_tenant(in_a)
    profile = ArtistProfile.objects.get()
    assert (profile.user_id, profile.slug, profile.fee_currency) == (
        teacher_user.pk,
        "nina-lindy",
        "GBP",
    )
    page = teacher.get("/artists/me/")
    assert f"gigs.ics?token={profile.calendar_token}".encode() in page.content
