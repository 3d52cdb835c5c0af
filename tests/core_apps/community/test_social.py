from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.community.models import DancerProfile, Follow, Notification, PartnerSearchEntry
from core_apps.community.selectors.partners import partner_posts_for_event
from core_apps.community.selectors.profiles import going_list_filter
from core_apps.community.services.partners import partner_post_create
from core_apps.community.services.safety import block_create
from tenants.models import Community

from .conftest import client_with_cookies_of, member_create, signed_in


def test_members_follow_each_other_and_blocks_remove_follows(in_a) -> None:
    fan = member_create(name="Fan")
    teacher = member_create(name="Teacher Tina")
    client = signed_in(in_a, fan)
    assert (
        client.post(
            "/api/v1/follows/", {"user_id": teacher.pk}, content_type="application/json"
        ).status_code
        == 201
    )
    assert client.get("/api/v1/follows/").json() == {"following": [teacher.pk]}
    assert Notification.objects.filter(user=teacher, kind="follow").exists()
    private = member_create(name="Hermit", visibility="private")
    assert (
        client.post(
            "/api/v1/follows/", {"user_id": private.pk}, content_type="application/json"
        ).status_code
        == 404
    )
    block_create(blocker=teacher, blocked_id=fan.pk)
    assert not Follow.objects.exists()


def test_groups_open_or_by_approval_with_announcements_and_member_lists(in_a) -> None:
    admin = member_create(name="Group Admin")
    joiner = member_create(name="Joiner")
    outsider = member_create(name="Outsider")
    ac, jc, oc = signed_in(in_a, admin), signed_in(in_a, joiner), signed_in(in_a, outsider)

    created = ac.post(
        "/api/v1/groups/",
        {"name": "Tango Practica", "join_policy": "approval", "description": "Sundays"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert jc.post("/api/v1/groups/tango-practica/join/").json() == {"membership": "pending"}
    # Not yet a member: no member list, no posts, can't post.
    detail = jc.get("/api/v1/groups/tango-practica/").json()
    assert detail["members"] == [] and detail["posts"] == []
    assert (
        jc.post(
            "/api/v1/groups/tango-practica/posts/", {"body": "hi"}, content_type="application/json"
        ).status_code
        == 403
    )
    # Only admins approve.
    assert oc.post(f"/api/v1/groups/tango-practica/members/{joiner.pk}/approve/").status_code == 403
    assert ac.post(f"/api/v1/groups/tango-practica/members/{joiner.pk}/approve/").status_code == 200
    ac.post(
        "/api/v1/groups/tango-practica/posts/",
        {"body": "Practica moves to 7pm", "is_announcement": True},
        content_type="application/json",
    )
    assert Notification.objects.filter(user=joiner, kind="group", text__contains="announcement")
    assert (
        jc.post(
            "/api/v1/groups/tango-practica/posts/",
            {"body": "x", "is_announcement": True},
            content_type="application/json",
        ).status_code
        == 403
    )
    detail = jc.get("/api/v1/groups/tango-practica/").json()
    assert [m["display_name"] for m in detail["members"]] == ["Group Admin", "Joiner"]
    assert detail["posts"][0]["body"] == "Practica moves to 7pm"
    assert "@" not in str(detail)
    assert oc.get("/api/v1/groups/tango-practica/").json()["members"] == []


def test_going_lists_show_only_members_who_opt_in(in_a) -> None:
    shy = member_create(name="Shy")
    proud = member_create(name="Proud", show_in_going_lists=True)
    assert going_list_filter(user_ids=[shy.pk, proud.pk]) == [proud.pk]


def test_looking_for_a_partner_posts_are_listed_per_event(in_a) -> None:
    author = member_create(name="Poster")
    post = partner_post_create(
        author=author,
        event_title="Tango course (Tuesdays)",
        role_wanted="lead",
        style="tango",
        event_ref=42,
    )
    assert partner_posts_for_event(event_ref=42) == [post]
    assert partner_posts_for_event(event_ref=43) == []


def test_notification_switches_are_per_type(in_a) -> None:
    member = member_create(name="Switcher")
    other = member_create(name="Follower")
    client = signed_in(in_a, member)
    response = client.put(
        "/api/v1/notifications/settings/",
        {"kind": "follow", "in_app": False, "email": False},
        content_type="application/json",
    )
    assert response.json()["follow"] == {"in_app": False, "email": False}
    assert response.json()["message"] == {"in_app": True, "email": True}
    signed_in(in_a, other).post(
        "/api/v1/follows/", {"user_id": member.pk}, content_type="application/json"
    )
    assert not Notification.objects.filter(user=member).exists()
    bad = client.put(
        "/api/v1/notifications/settings/",
        {"kind": "gossip", "in_app": True, "email": True},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_groups_and_follows_of_one_community_are_invisible_in_another(in_a, community_b) -> None:
    admin = member_create(name="Alpha Admin")
    client = signed_in(in_a, admin)
    client.post(
        "/api/v1/groups/",
        {"name": "Alpha Only", "join_policy": "open"},
        content_type="application/json",
    )
    with schema_context(community_b.schema_name):
        beta_member = member_create(name="Beta Member")
    bc = signed_in(community_b, beta_member)
    assert bc.get("/api/v1/groups/").json()["results"] == []
    assert bc.get("/api/v1/groups/alpha-only/").status_code == 404
    assert bc.post("/api/v1/groups/alpha-only/join/").status_code == 404
    assert client_with_cookies_of(client, community_b).get("/api/v1/groups/").status_code == 403


def test_seed_demo_adds_varied_members_idempotently(django_db_setup, django_db_blocker) -> None:
    """Runs the real seeder for the demo communities (committed), twice."""
    from tenants.provisioning.demo import DEMO_COMMUNITIES

    with django_db_blocker.unblock():
        existing = set(Community.objects.values_list("slug", flat=True))
        try:
            call_command("seed_demo")
            # The plans Free, Pro and Business, each demo community on its own.
            from billing.models import Subscription
            from tenants.provisioning.demo import DEMO_PLANS

            plans = Subscription.objects.filter(community__slug__in=DEMO_PLANS)
            assert dict(plans.values_list("community__slug", "plan__slug")) == DEMO_PLANS
            counts = {}
            for demo in DEMO_COMMUNITIES:
                with schema_context(demo.slug):
                    counts[demo.slug] = DancerProfile.objects.count()
                    styles = set(PartnerSearchEntry.objects.values_list("style", flat=True))
                    visibilities = set(DancerProfile.objects.values_list("visibility", flat=True))
                    assert DancerProfile.objects.count() >= 20
                    assert len(styles) >= 2
                    assert visibilities == {"private", "members", "public"}
                    demo_users = User.objects.filter(email__endswith=f"@{demo.slug}.example")
                    assert demo_users.count() >= 20
            call_command("seed_demo")
            for demo in DEMO_COMMUNITIES:
                with schema_context(demo.slug):
                    assert DancerProfile.objects.count() == counts[demo.slug]
        finally:
            connection.set_schema_to_public()
            for community in Community.objects.exclude(slug__in=existing):
                community.domains.all().delete()
                community.delete(force_drop=True)
