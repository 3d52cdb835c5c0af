"""Groups and "looking for a partner" posts have pages; the report form asks
only what a member knows. Nothing crosses to another community."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django_tenants.utils import schema_context

from core_apps.community.models import Group, PartnerPost, Report
from core_apps.community.services.social import group_create

from .conftest import member_create, signed_in

pytestmark = pytest.mark.django_db


def test_a_member_posts_that_they_are_looking_and_others_see_it(in_a):
    poster = member_create(name="Pia Poster")
    client = signed_in(in_a, poster)
    response = client.post(
        "/community/posts/",
        {
            "event_title": "Tango course",
            "role_wanted": "lead",
            "style": "tango",
            "note": "Tuesdays",
        },
    )
    assert response.status_code == 302
    assert PartnerPost.objects.get().event_title == "Tango course"
    other = signed_in(in_a, member_create(name="Otto Other"))
    html = other.get("/community/posts/").content.decode()
    assert "Tango course" in html and "Pia Poster" in html


def test_an_empty_post_form_says_what_is_missing_next_to_the_field(in_a):
    client = signed_in(in_a, member_create(name="Hasty"))
    response = client.post("/community/posts/", {"event_title": "", "role_wanted": "lead"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.find("input", {"name": "event_title"}).find_parent(class_="form-field")
    assert "form-field--error" in field["class"]


def test_members_join_a_group_and_post_on_its_page(in_a):
    admin = member_create(name="Group Admin")
    group_create(creator=admin, name="Rueda crew", join_policy="open")
    joiner = member_create(name="Joiner")
    client = signed_in(in_a, joiner)
    listing = client.get("/community/groups/")
    assert "Rueda crew" in listing.content.decode()
    slug = Group.objects.get().slug
    assert client.post(f"/community/groups/{slug}/", {"action": "join"}).status_code == 302
    assert client.post(f"/community/groups/{slug}/", {"body": "Hola!"}).status_code == 302
    html = client.get(f"/community/groups/{slug}/").content.decode()
    assert "Hola!" in html and "Group Admin" in html


def test_groups_and_posts_of_another_community_stay_there(in_a, community_b):
    with schema_context(community_b.schema_name):
        beta = member_create(name="Beta Member")
        group_create(creator=beta, name="Beta secret group", join_policy="open")
        PartnerPost.objects.create(author=beta, event_title="Beta milonga", role_wanted=1)
    with schema_context(in_a.schema_name):
        client = signed_in(in_a, member_create(name="Alpha Member"))
        assert "Beta secret group" not in client.get("/community/groups/").content.decode()
        assert "Beta milonga" not in client.get("/community/posts/").content.decode()


def test_the_report_form_asks_why_and_what_happened_only(in_a):
    reported = member_create(name="Reported")
    client = signed_in(in_a, member_create(name="Reporter"))
    soup = BeautifulSoup(client.get(f"/community/members/{reported.pk}/").content, "html.parser")
    form = soup.find("form", action="/community/report/")
    assert form.find("input", {"name": "kind"})["type"] == "hidden"
    assert form.find("input", {"name": "object_id"})["type"] == "hidden"
    labels = [label.get_text(strip=True) for label in form.find_all("label")]
    assert "Kind" not in " ".join(labels) and "Object id" not in " ".join(labels)
    client.post(
        "/community/report/",
        {"kind": "profile", "object_id": reported.pk, "reason": "harassment", "details": "x"},
    )
    assert Report.objects.filter(object_id=reported.pk).exists()


def test_a_member_without_styles_is_invited_to_complete_the_profile(in_a):
    client = signed_in(in_a, member_create(name="New Here"))
    html = client.get("/community/partners/").content.decode()
    assert "Add your styles to your profile" in html
    assert 'href="/community/profile/"' in html
