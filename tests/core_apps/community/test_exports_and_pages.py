from __future__ import annotations

from bs4 import BeautifulSoup

from core_apps.community.models import (
    PROFILE_FIELDS_DEFAULT_VISIBILITY,
    DancerProfile,
    Message,
    Report,
)

from .conftest import assert_no_contact_details, member_create, signed_in


def test_group_member_export_carries_only_what_members_show(in_a) -> None:
    admin = member_create(name="Export Admin")
    shy = member_create(
        name="Shy Dancer",
        pronouns="she/her",
        city="Hiddenburg",
        languages=["es"],
        styles=[{"style": "tango", "role": "follow", "level": 2}],
        field_visibility={"home_area": "private", "pronouns": "private"},
    )
    ac, sc = signed_in(in_a, admin), signed_in(in_a, shy)
    ac.post(
        "/api/v1/groups/",
        {"name": "Exporters", "join_policy": "open"},
        content_type="application/json",
    )
    sc.post("/api/v1/groups/exporters/join/")

    assert sc.get("/api/v1/groups/exporters/members/export/").status_code == 403
    response = ac.get("/api/v1/groups/exporters/members/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Shy Dancer" in text and "tango:follow:2" in text and "es" in text
    assert "Hiddenburg" not in text and "she/her" not in text
    assert_no_contact_details(text, admin, shy)


def test_profile_can_be_edited_through_the_html_form(in_a) -> None:
    member = member_create(name="Formal")
    client = signed_in(in_a, member)
    page = client.get("/community/profile/")
    assert page.status_code == 200 and "Formal" in page.content.decode()
    form = {
        "display_name": "Formal Dancer",
        "pronouns": "they/them",
        "bio": "<p>Hi<img src=x onerror=alert(1)></p>",
        "city": "Berlin",
        "languages": "en, de",
        "style_1": "tango",
        "role_1": "lead",
        "level_1": "3",
        "style_2": "salsa",
        "role_2": "follow",
        "level_2": "2",
        "goals": ["social", "practice"],
        "availability": ["tue-evening"],
        "visibility": "members",
        **{f"vis_{f}": "members" for f in PROFILE_FIELDS_DEFAULT_VISIBILITY},
    }
    response = client.post("/community/profile/", form)
    assert response.status_code == 302
    profile = DancerProfile.objects.get(user=member)
    assert profile.display_name == "Formal Dancer"
    assert "onerror" not in profile.bio and "<p>Hi" in profile.bio
    assert sorted(s.style for s in profile.skills.all()) == ["salsa", "tango"]
    assert (profile.latitude, profile.longitude) == (52.52, 13.4)  # from the city list
    bad = client.post("/community/profile/", {**form, "role_1": "captain", "pronouns": "kept"})
    assert bad.status_code == 400
    soup = BeautifulSoup(bad.content, "html.parser")
    role = soup.find("select", {"name": "role_1"}).find_parent(class_="form-field")
    assert "form-field--error" in role["class"]
    # What was typed is kept, and nothing was saved.
    assert soup.find("input", {"name": "pronouns"})["value"] == "kept"
    assert (
        soup.find("select", {"name": "style_2"}).find("option", selected=True)["value"] == "salsa"
    )
    assert sorted(s.style for s in profile.skills.all()) == ["salsa", "tango"]
    # Visibility is explained in words, not field codes.
    assert "Who sees your city" in bad.content.decode()


def test_openapi_document_lists_the_community_endpoints(in_a) -> None:
    client = signed_in(in_a, member_create(name="Schema Reader"))
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    document = response.content.decode()
    for path in ("/api/v1/members/me/", "/api/v1/partner-search/", "/api/v1/partner-requests/",
                 "/api/v1/conversations/", "/api/v1/moderation/reports/"):  # fmt: skip
        assert path in document


def test_a_message_can_be_reported_from_the_conversation_page(in_a) -> None:
    sender = member_create(name="Rude Sender")
    recipient = member_create(name="Polite Recipient", allow_open_messages=True)
    conversation = (
        signed_in(in_a, sender)
        .post(
            "/api/v1/conversations/",
            {"recipient_id": recipient.pk, "body": "rude words"},
            content_type="application/json",
        )
        .json()["id"]
    )
    client = signed_in(in_a, recipient)
    page = client.get(f"/community/messages/{conversation}/").content.decode()
    assert "Report message" in page
    message = Message.objects.get(sender=sender)
    no_reason = client.post(
        "/community/report/",
        {
            "kind": "message",
            "object_id": message.pk,
            "reason": "",
            "next": f"/community/messages/{conversation}/",
        },
        follow=True,
    )
    assert "choose a reason" in no_reason.content.decode()
    assert not Report.objects.exists()
    client.post(
        "/community/report/",
        {
            "kind": "message",
            "object_id": message.pk,
            "reason": "harassment",
            "next": f"/community/messages/{conversation}/",
        },
    )
    assert Report.objects.get().snapshot["body"] == "rude words"


def test_looking_for_a_partner_posts_through_the_api(in_a) -> None:
    author = member_create(name="Post Author")
    reader = member_create(name="Post Reader")
    created = signed_in(in_a, author).post(
        "/api/v1/partner-posts/",
        {"event_title": "Tango course <b>Tuesdays</b>", "role_wanted": "lead", "event_ref": 5},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["event_title"] == "Tango course Tuesdays"
    listed = signed_in(in_a, reader).get("/api/v1/partner-posts/?event_ref=5").json()["results"]
    assert [p["author"]["display_name"] for p in listed] == ["Post Author"]
    assert "@" not in str(listed)
    bad = signed_in(in_a, author).post(
        "/api/v1/partner-posts/",
        {"event_title": "x", "role_wanted": "captain"},
        content_type="application/json",
    )
    assert bad.status_code == 400
