from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core_apps.community.models import DancerProfile
from core_apps.community.services.profiles import profile_get_or_create
from tests.factories import UserFactory

from .conftest import (
    assert_no_contact_details,
    client_with_cookies_of,
    member_create,
    png_bytes,
    signed_in,
)

TANGO_LEAD = [{"style": "tango", "role": "lead", "level": 3}]


def test_new_profile_is_private_and_invisible_to_others(in_a, client_a) -> None:
    owner = member_create(name="Priv Ate", styles=TANGO_LEAD, visibility="private")
    viewer = member_create(name="Vera View")
    client = signed_in(in_a, viewer)

    fresh = profile_get_or_create(user=UserFactory())
    assert fresh.visibility == "private"
    assert fresh.field_visibility["height"] == "private"
    assert client.get(f"/community/members/{owner.pk}/").status_code == 404
    response = client.get(f"/api/v1/members/{owner.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    search = client.get("/api/v1/partner-search/?style=tango&role=lead").json()
    assert search["results"] == []
    # The owner still sees their own profile.
    assert signed_in(in_a, owner).get(f"/api/v1/members/{owner.pk}/").status_code == 200


def test_members_only_profile_is_hidden_from_anonymous_visitors(in_a, client_a) -> None:
    member = member_create(name="Mem Ber", styles=TANGO_LEAD, visibility="members")
    public = member_create(
        name="Pub Lic",
        styles=TANGO_LEAD,
        visibility="public",
        field_visibility={"styles": "public"},
    )

    assert client_a.get(f"/community/members/{member.pk}/").status_code == 404
    page = client_a.get(f"/community/members/{public.pk}/")
    assert page.status_code == 200
    assert "Pub Lic" in page.content.decode()
    assert "tango" in page.content.decode()


def test_hidden_fields_never_reach_other_members_in_html_api_or_search(in_a) -> None:
    dancer = member_create(
        name="Hidden Fields",
        styles=TANGO_LEAD,
        pronouns="xe/xem",
        city="Secretville",
        latitude=52.5,
        longitude=13.4,
        bio="<p>unique-bio-text</p>",
        height_min_cm=170,
        height_max_cm=175,
        field_visibility={"pronouns": "private", "home_area": "private", "bio": "private"},
    )
    viewer = member_create(
        name="Curious", styles=[{"style": "tango", "role": "follow", "level": 3}]
    )
    client = signed_in(in_a, viewer)

    html = client.get(f"/community/members/{dancer.pk}/").content.decode()
    api = client.get(f"/api/v1/members/{dancer.pk}/").content.decode()
    search = client.get("/api/v1/partner-search/?style=tango").content.decode()
    for text in (html, api, search):
        assert "Hidden Fields" in text
        for secret in ("xe/xem", "Secretville", "52.5", "unique-bio-text", "170"):
            assert secret not in text
        assert_no_contact_details(text, dancer, viewer)
    # Height is opt-in: hidden by default, shown once the member chooses.
    member_create(
        name="Tall",
        styles=TANGO_LEAD,
        height_min_cm=190,
        height_max_cm=195,
        field_visibility={"height": "members"},
    )
    assert "190" in client.get("/api/v1/partner-search/?style=tango").content.decode()


def test_members_me_get_and_patch_round_trip_with_sanitised_bio(in_a) -> None:
    user = member_create(name="Me Myself")
    client = signed_in(in_a, user)

    response = client.patch(
        "/api/v1/members/me/",
        {
            "bio": '<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>'
            '<a href="javascript:alert(1)">x</a>',
            "styles": [{"style": "tango", "role": "follow", "level": 2}],
            "visibility": "members",
            "goals": ["practice", "social"],
            "availability": ["tue-evening"],
            "languages": ["es", "en"],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "<script>" not in body["bio"] and "alert(1)" not in body["bio"]
    assert "onclick" not in body["bio"] and "javascript:" not in body["bio"]
    assert "<b>there</b>" in body["bio"]
    assert body["styles"] == [{"style": "tango", "role": "follow", "level": 2}]
    assert body["goals"] == ["social", "practice"]
    assert body["visibility"] == "members"
    assert "email" not in body
    assert client.get("/api/v1/members/me/").json()["languages"] == ["en", "es"]


def test_profile_bad_input_gets_clear_messages_and_changes_nothing(in_a) -> None:
    user = member_create(name="Careful", city="Berlin")
    client = signed_in(in_a, user)

    bad = [
        ({"latitude": 123, "longitude": 10}, "out of range"),
        ({"styles": [{"style": "moonwalk", "role": "lead", "level": 2}]}, "Unknown dance style"),
        ({"styles": [{"style": "tango", "role": "lead", "level": 9}]}, "Levels go from 1 to 5"),
        ({"height_min_cm": 190, "height_max_cm": 150}, "height range is impossible"),
        ({"visibility": "everyone"}, None),
        ({"field_visibility": {"email": "public"}}, None),
    ]
    for payload, message in bad:
        response = client.patch("/api/v1/members/me/", payload, content_type="application/json")
        assert response.status_code == 400, payload
        body = response.json()
        assert body["code"] in {
            "invalid",
            "invalid_profile",
            "invalid_home_area",
            "invalid_styles",
            "invalid_height",
        }
        if message:
            assert message in body["detail"]
    assert DancerProfile.objects.get(user=user).city == "Berlin"


def test_profile_photo_must_be_a_real_small_image_and_loses_exif(in_a) -> None:
    user = member_create(name="Photo Genic")
    client = signed_in(in_a, user)

    fake = SimpleUploadedFile("cat.jpg", b"<?php echo 'not an image'; ?>", "image/jpeg")
    response = client.post("/api/v1/members/me/photo/", {"photo": fake})
    assert response.status_code == 400
    assert response.json()["code"] == "not_an_image"

    huge = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), "image/png")
    response = client.post("/api/v1/members/me/photo/", {"photo": huge})
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert response.json()["code"] == "image_too_large"

    photo = SimpleUploadedFile("me.jpg", png_bytes((64, 48), exif=True), "image/jpeg")
    response = client.post("/api/v1/members/me/photo/", {"photo": photo})
    assert response.status_code == 200, response.content
    profile = DancerProfile.objects.get(user=user)
    with profile.photo.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert image.size == (64, 48)
        assert not image.getexif()
        assert b"SecretCam" not in image.tobytes()
    assert profile.photo.name.startswith("community/photos/")
    profile.photo.delete(save=False)


def test_member_of_another_community_cannot_see_or_edit_profiles(in_a, community_b) -> None:
    alice = member_create(
        name="Alice Alpha",
        styles=TANGO_LEAD,
        visibility="public",
        field_visibility={"styles": "public"},
    )
    # Alice's session belongs to Alpha: on Beta's host she is anonymous.
    alpha_client = signed_in(in_a, alice)
    beta_session = client_with_cookies_of(alpha_client, community_b)
    assert beta_session.get("/api/v1/members/me/").status_code == 403
    assert (
        beta_session.patch(
            "/api/v1/members/me/", {"pronouns": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    # Alpha's ids mean nothing on Beta's host.
    assert beta_session.get(f"/api/v1/members/{alice.pk}/").status_code in (403, 404)
    assert beta_session.get(f"/community/members/{alice.pk}/").status_code in (302, 404)
    # ... while the same session still works on Alpha's host.
    assert alpha_client.get("/api/v1/members/me/").status_code == 200
