from __future__ import annotations

from django.test import Client
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.community.models import (
    GroupPost,
    MemberStanding,
    Message,
    ModerationAction,
    Notification,
    PartnerSearchEntry,
    Report,
)
from core_apps.community.services.safety import code_of_conduct_publish
from tests.conftest import community_host
from tests.factories import PASSWORD

from .conftest import client_with_cookies_of, member_create, signed_in

LEAD = [{"style": "tango", "role": "lead", "level": 3}]


def login(community, email: str) -> Client:
    client = Client(HTTP_HOST=community_host(community))
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    return client


def test_report_queue_suspend_blocks_login_messaging_and_hides_content(in_a) -> None:
    victim = member_create(name="Vic", allow_open_messages=True)
    offender = member_create(name="Olaf", styles=LEAD, allow_open_messages=True)
    moderator = member_create(name="Mod")
    user_role_grant(user=moderator, role=Role.MODERATOR)
    vc, mc = signed_in(in_a, victim), signed_in(in_a, moderator)

    # The offender signs in through the real login form and writes.
    oc = login(in_a, offender.email)
    assert oc.get("/api/v1/members/me/").status_code == 200
    conversation = oc.post(
        "/api/v1/conversations/",
        {"recipient_id": victim.pk, "body": "nasty words"},
        content_type="application/json",
    ).json()["id"]
    message_id = vc.get(f"/api/v1/conversations/{conversation}/messages/").json()["results"][0][
        "id"
    ]

    # Report without a reason: a clear message, nothing stored.
    missing = vc.post(
        "/api/v1/reports/",
        {"kind": "message", "object_id": message_id},
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert missing.json()["code"] == "reason_required"
    assert "choose a reason" in missing.json()["detail"]
    assert not Report.objects.exists()

    reported = vc.post(
        "/api/v1/reports/",
        {"kind": "message", "object_id": message_id, "reason": "harassment", "details": "Unwanted"},
        content_type="application/json",
    )
    assert reported.status_code == 201, reported.content
    report_id = reported.json()["id"]
    assert Notification.objects.filter(user=moderator, kind="moderation").exists()

    # Members can't see the queue; moderators see the preserved content.
    assert vc.get("/api/v1/moderation/reports/").status_code == 403
    assert vc.get("/community/moderation/").status_code == 404
    queue = mc.get("/api/v1/moderation/reports/").json()["results"]
    assert [r["id"] for r in queue] == [report_id]
    assert queue[0]["snapshot"]["body"] == "nasty words"
    assert "nasty words" in mc.get("/community/moderation/").content.decode()

    acted = mc.post(
        f"/api/v1/moderation/reports/{report_id}/actions/",
        {"kind": "suspend", "note": "Harassment in DMs"},
        content_type="application/json",
    )
    assert acted.status_code == 201, acted.content

    # The suspended member's session is dead and a fresh login is refused.
    assert oc.get("/api/v1/members/me/").status_code == 403
    relogin = login(in_a, offender.email)
    assert "_auth_user_id" not in relogin.session
    assert relogin.get("/api/v1/members/me/").status_code == 403
    # They cannot message (even through the service), and their content is hidden.
    from core_apps.community.errors import NotAllowed
    from core_apps.community.models import Conversation
    from core_apps.community.services.messaging import message_send

    offender.refresh_from_db()
    try:
        message_send(
            conversation=Conversation.objects.get(pk=conversation), sender=offender, body="again"
        )
        raise AssertionError("a suspended member sent a message")
    except NotAllowed:
        pass
    assert vc.get(f"/api/v1/conversations/{conversation}/messages/").json()["results"] == []
    assert Message.objects.get(pk=message_id).body == "nasty words"  # preserved
    assert vc.get(f"/api/v1/members/{offender.pk}/").status_code == 404
    assert not PartnerSearchEntry.objects.filter(user_id=offender.pk).exists()
    assert (
        vc.post(
            "/api/v1/conversations/",
            {"recipient_id": offender.pk, "body": "hi"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert MemberStanding.objects.get(user=offender).status == "suspended"

    # The audit trail says who did what; the reporter hears the outcome in general terms.
    audit = mc.get("/api/v1/moderation/audit/").json()["results"]
    assert audit[0]["kind"] == "suspend"
    assert audit[0]["moderator_id"] == moderator.pk
    assert audit[0]["target_user_id"] == offender.pk
    assert audit[0]["report_id"] == report_id
    assert audit[0]["note"] == "Harassment in DMs"
    outcome = vc.get("/api/v1/notifications/").json()["results"][0]["text"]
    assert outcome == "Thank you for your report. We reviewed it and took action."
    assert "suspend" not in outcome
    assert mc.get("/api/v1/moderation/reports/").json()["results"] == []

    # Reinstating is audited too and lets them log in again.
    mc.post(
        f"/api/v1/moderation/members/{offender.pk}/actions/",
        {"kind": "reinstate"},
        content_type="application/json",
    )
    assert login(in_a, offender.email).get("/api/v1/members/me/").status_code == 200
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "suspend",
        "reinstate",
    ]


def test_dismiss_warn_hide_and_ban_actions(in_a) -> None:
    reporter = member_create(name="Rita")
    member = member_create(name="Wally", styles=LEAD, visibility="members")
    moderator = member_create(name="Mo")
    user_role_grant(user=moderator, role=Role.MODERATOR)
    rc, mc = signed_in(in_a, reporter), signed_in(in_a, moderator)

    def report() -> int:
        return rc.post(
            "/api/v1/reports/",
            {"kind": "profile", "object_id": member.pk, "reason": "fake"},
            content_type="application/json",
        ).json()["id"]

    mc.post(
        f"/api/v1/moderation/reports/{report()}/actions/",
        {"kind": "dismiss"},
        content_type="application/json",
    )
    assert "no breach" in Notification.objects.filter(user=reporter).latest("pk").text
    mc.post(
        f"/api/v1/moderation/reports/{report()}/actions/",
        {"kind": "warn", "note": "Be nice"},
        content_type="application/json",
    )
    assert MemberStanding.objects.get(user=member).warnings == 1
    assert Notification.objects.filter(user=member, kind="moderation").exists()
    mc.post(
        f"/api/v1/moderation/reports/{report()}/actions/",
        {"kind": "hide"},
        content_type="application/json",
    )
    assert rc.get(f"/api/v1/members/{member.pk}/").status_code == 404
    assert User.objects.get(pk=member.pk).is_active  # hidden, not suspended
    mc.post(
        f"/api/v1/moderation/members/{member.pk}/actions/",
        {"kind": "ban"},
        content_type="application/json",
    )
    assert MemberStanding.objects.get(user=member).status == "banned"
    assert not User.objects.get(pk=member.pk).is_active
    unknown = mc.post(
        f"/api/v1/moderation/members/{member.pk}/actions/",
        {"kind": "shame"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    # Members can't take actions.
    assert (
        rc.post(
            f"/api/v1/moderation/members/{member.pk}/actions/",
            {"kind": "reinstate"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert ModerationAction.objects.count() == 4


def test_group_post_report_hides_the_post(in_a) -> None:
    author = member_create(name="Poster")
    reader = member_create(name="Reader")
    moderator = member_create(name="Moddy")
    user_role_grant(user=moderator, role=Role.MODERATOR)
    ac, rc = signed_in(in_a, author), signed_in(in_a, reader)
    ac.post(
        "/api/v1/groups/",
        {"name": "Practice crew", "join_policy": "open"},
        content_type="application/json",
    )
    rc.post("/api/v1/groups/practice-crew/join/")
    post_id = ac.post(
        "/api/v1/groups/practice-crew/posts/",
        {"body": "spam spam"},
        content_type="application/json",
    ).json()["id"]
    report_id = rc.post(
        "/api/v1/reports/",
        {"kind": "group_post", "object_id": post_id, "reason": "spam"},
        content_type="application/json",
    ).json()["id"]
    signed_in(in_a, moderator).post(
        f"/api/v1/moderation/reports/{report_id}/actions/",
        {"kind": "hide"},
        content_type="application/json",
    )
    assert rc.get("/api/v1/groups/practice-crew/").json()["posts"] == []
    assert GroupPost.objects.get(pk=post_id).hidden_by_moderation


def test_code_of_conduct_must_be_accepted_again_after_a_change(in_a) -> None:
    code_of_conduct_publish(text="<p>Be kind.</p><script>x()</script>", by=None)
    member = member_create(name="Newbie", styles=LEAD)  # accepts version 1
    client = signed_in(in_a, member)
    assert client.get("/api/v1/partner-search/?style=tango").status_code == 200
    moderator = member_create(name="Code Keeper")
    user_role_grant(user=moderator, role=Role.MODERATOR)

    new_text = {"text": "<p>Be kind. Ask first.</p>"}
    refused = client.post("/api/v1/code-of-conduct/", new_text, content_type="application/json")
    assert refused.status_code == 403
    published = signed_in(in_a, moderator).post(
        "/api/v1/code-of-conduct/", new_text, content_type="application/json"
    )
    assert published.status_code == 201
    assert published.json()["version"] == 2
    blocked = client.get("/api/v1/partner-search/?style=tango")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "code_of_conduct_required"
    assert client.get("/community/partners/").status_code == 302
    page = client.get("/community/code-of-conduct/").content.decode()
    assert "Ask first." in page and "<script>" not in page
    assert Notification.objects.filter(user=member, kind="code_of_conduct").exists()
    stale = client.post(
        "/api/v1/code-of-conduct/accept/", {"version": 1}, content_type="application/json"
    )
    assert stale.status_code == 400
    client.post("/community/code-of-conduct/", {"accept": "1"})
    assert client.get("/api/v1/partner-search/?style=tango").status_code == 200


def test_moderators_of_one_community_have_no_power_in_another(in_a, community_b) -> None:
    moderator = member_create(name="Alpha Mod")
    user_role_grant(user=moderator, role=Role.MODERATOR)
    mc = signed_in(in_a, moderator)
    with schema_context(community_b.schema_name):
        reporter = member_create(name="Beta Rep")
        target = member_create(name="Beta Target", visibility="members")
        report = Report.objects.create(
            reporter=reporter,
            reported_user=target,
            kind="profile",
            object_id=target.pk,
            reason="spam",
            snapshot={},
        )
    stolen = client_with_cookies_of(mc, community_b)
    assert stolen.get("/api/v1/moderation/reports/").status_code == 403
    assert (
        stolen.post(
            f"/api/v1/moderation/reports/{report.pk}/actions/",
            {"kind": "ban"},
            content_type="application/json",
        ).status_code
        == 403
    )
    # On Alpha's host, Beta's report id doesn't exist.
    assert (
        mc.post(
            f"/api/v1/moderation/reports/{report.pk}/actions/",
            {"kind": "ban"},
            content_type="application/json",
        ).status_code
        == 404
    )
    with schema_context(community_b.schema_name):
        assert User.objects.get(pk=target.pk).is_active


def test_reinstating_keeps_content_that_was_hidden_on_purpose(in_a) -> None:
    sender = member_create(name="Mixed Sender")
    recipient = member_create(name="Mixed Recipient", allow_open_messages=True)
    moderator = member_create(name="Fair Mod")
    user_role_grant(user=moderator, role=Role.MODERATOR)
    sc, rc, mc = signed_in(in_a, sender), signed_in(in_a, recipient), signed_in(in_a, moderator)
    conversation = sc.post(
        "/api/v1/conversations/",
        {"recipient_id": recipient.pk, "body": "bad one"},
        content_type="application/json",
    ).json()["id"]
    sc.post(
        f"/api/v1/conversations/{conversation}/messages/",
        {"body": "fine one"},
        content_type="application/json",
    )
    bad = Message.objects.get(body="bad one")
    report_id = rc.post(
        "/api/v1/reports/",
        {"kind": "message", "object_id": bad.pk, "reason": "harassment"},
        content_type="application/json",
    ).json()["id"]
    mc.post(
        f"/api/v1/moderation/reports/{report_id}/actions/",
        {"kind": "hide"},
        content_type="application/json",
    )
    for kind in ("suspend", "reinstate"):
        mc.post(
            f"/api/v1/moderation/members/{sender.pk}/actions/",
            {"kind": kind},
            content_type="application/json",
        )
    bodies = [
        m["body"]
        for m in rc.get(f"/api/v1/conversations/{conversation}/messages/").json()["results"]
    ]
    assert bodies == ["fine one"]


def test_a_member_can_report_someone_they_blocked(in_a) -> None:
    reporter = member_create(name="Blocker Reporter")
    creep = member_create(name="Creep", visibility="members")
    client = signed_in(in_a, reporter)
    client.post("/api/v1/blocks/", {"user_id": creep.pk}, content_type="application/json")
    assert client.get(f"/api/v1/members/{creep.pk}/").status_code == 404
    response = client.post(
        "/api/v1/reports/",
        {"kind": "profile", "object_id": creep.pk, "reason": "harassment"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Report.objects.get().snapshot["display_name"] == "Creep"
    # Someone who blocked the reporter stays unreachable, even for reports.
    blocked_by = member_create(name="Blocked By")
    signed_in(in_a, blocked_by).post(
        "/api/v1/blocks/", {"user_id": reporter.pk}, content_type="application/json"
    )
    hidden = client.post(
        "/api/v1/reports/",
        {"kind": "profile", "object_id": blocked_by.pk, "reason": "spam"},
        content_type="application/json",
    )
    assert hidden.status_code == 404
