from __future__ import annotations

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.community.models import Message, Notification, PartnerRequest
from core_apps.community.services.notifications import notification_settings_update
from core_apps.community.services.safety import block_create
from core_apps.community.tasks import notification_digests_send_task

from .conftest import (
    assert_no_contact_details,
    client_with_cookies_of,
    member_create,
    png_bytes,
    signed_in,
)

LEAD = [{"style": "tango", "role": "lead", "level": 3}]
FOLLOW = [{"style": "tango", "role": "follow", "level": 3}]


def test_accepted_partners_can_message_and_strangers_cannot(in_a) -> None:
    follower = member_create(name="Flo", styles=FOLLOW)
    lead = member_create(name="Leo", styles=LEAD)
    fc, lc = signed_in(in_a, follower), signed_in(in_a, lead)

    refused = fc.post(
        "/api/v1/conversations/",
        {"recipient_id": lead.pk, "body": "hi"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json() == {"code": "cannot_message", "detail": "You can't message this member."}

    sent = fc.post(
        "/api/v1/partner-requests/",
        {
            "recipient_id": lead.pk,
            "message": "Tango course on Tuesdays?",
            "event_title": "Tango course",
            "event_ref": 7,
        },
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    request_id = sent.json()["id"]
    assert sent.json()["event_title"] == "Tango course"
    incoming = lc.get("/api/v1/partner-requests/").json()["incoming"]
    assert [r["id"] for r in incoming] == [request_id]
    assert_no_contact_details(str(incoming), follower, lead)
    # Only the recipient answers.
    assert (
        fc.post(
            f"/api/v1/partner-requests/{request_id}/respond/",
            {"accept": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    accepted = lc.post(
        f"/api/v1/partner-requests/{request_id}/respond/",
        {"accept": True},
        content_type="application/json",
    )
    assert accepted.json()["status"] == "accepted"
    assert Notification.objects.filter(user=follower, kind="partner_accepted").exists()

    started = fc.post(
        "/api/v1/conversations/",
        {"recipient_id": lead.pk, "body": "Hola!"},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    conversation_id = started.json()["id"]
    reply = lc.post(
        f"/api/v1/conversations/{conversation_id}/messages/",
        {"body": "Hola Flo"},
        content_type="application/json",
    )
    assert reply.status_code == 201
    thread = fc.get(f"/api/v1/conversations/{conversation_id}/messages/").json()
    assert [m["body"] for m in thread["results"]] == ["Hola!", "Hola Flo"]
    assert_no_contact_details(str(thread), follower, lead)
    # A second "start" reuses the conversation instead of opening another.
    again = fc.post(
        "/api/v1/conversations/",
        {"recipient_id": lead.pk, "body": "again"},
        content_type="application/json",
    )
    assert again.json()["id"] == conversation_id


def test_partner_requests_are_limited_per_day(in_a, settings) -> None:
    settings.COMMUNITY_PARTNER_REQUESTS_PER_DAY = 3
    sender = member_create(name="Eager", styles=FOLLOW)
    leads = [member_create(name=f"Lead {n}", styles=LEAD) for n in range(4)]
    client = signed_in(in_a, sender)
    codes = [
        client.post(
            "/api/v1/partner-requests/", {"recipient_id": lead.pk}, content_type="application/json"
        ).status_code
        for lead in leads
    ]
    assert codes == [201, 201, 201, 429]
    last = client.post(
        "/api/v1/partner-requests/", {"recipient_id": leads[3].pk}, content_type="application/json"
    ).json()
    assert last["code"] == "partner_request_limit"
    assert PartnerRequest.objects.filter(sender=sender).count() == 3


def test_duplicate_and_self_requests_are_refused(in_a) -> None:
    a = member_create(name="Ann", styles=FOLLOW)
    b = member_create(name="Bob", styles=LEAD)
    client = signed_in(in_a, a)
    assert (
        client.post(
            "/api/v1/partner-requests/", {"recipient_id": b.pk}, content_type="application/json"
        ).status_code
        == 201
    )
    duplicate = client.post(
        "/api/v1/partner-requests/", {"recipient_id": b.pk}, content_type="application/json"
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "request_pending"
    reverse = signed_in(in_a, b).post(
        "/api/v1/partner-requests/", {"recipient_id": a.pk}, content_type="application/json"
    )
    assert reverse.status_code == 409
    self_request = signed_in(in_a, a).post(
        "/api/v1/partner-requests/", {"recipient_id": a.pk}, content_type="application/json"
    )
    assert self_request.status_code == 400


def test_messages_are_rate_limited_per_minute(in_a, settings) -> None:
    settings.COMMUNITY_MESSAGES_PER_MINUTE = 5
    chatty = member_create(name="Chatty", styles=FOLLOW)
    open_member = member_create(name="Open", styles=LEAD, allow_open_messages=True)
    client = signed_in(in_a, chatty)
    conversation = client.post(
        "/api/v1/conversations/",
        {"recipient_id": open_member.pk, "body": "1"},
        content_type="application/json",
    ).json()["id"]
    statuses = [
        client.post(
            f"/api/v1/conversations/{conversation}/messages/",
            {"body": str(n)},
            content_type="application/json",
        ).status_code
        for n in range(2, 7)
    ]
    assert statuses == [201, 201, 201, 201, 429]
    assert Message.objects.filter(sender=chatty).count() == 5


def test_new_conversations_are_rate_limited_per_day(in_a, settings) -> None:
    settings.COMMUNITY_NEW_CONVERSATIONS_PER_DAY = 2
    sender = member_create(name="Starter", styles=FOLLOW)
    recipients = [member_create(name=f"Open {n}", allow_open_messages=True) for n in range(3)]
    client = signed_in(in_a, sender)
    statuses = [
        client.post(
            "/api/v1/conversations/",
            {"recipient_id": r.pk, "body": "hello"},
            content_type="application/json",
        ).status_code
        for r in recipients
    ]
    assert statuses == [201, 201, 429]


def test_attachments_must_be_images_and_bad_messages_are_explained(in_a) -> None:
    sender = member_create(name="Sender", styles=FOLLOW)
    recipient = member_create(name="Receiver", allow_open_messages=True)
    client = signed_in(in_a, sender)
    pdf = SimpleUploadedFile("doc.pdf", b"%PDF-1.4 not an image", "application/pdf")
    response = client.post(
        "/api/v1/conversations/", {"recipient_id": recipient.pk, "body": "see", "image": pdf}
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"not_an_image", "invalid"}
    empty = client.post(
        "/api/v1/conversations/",
        {"recipient_id": recipient.pk, "body": " "},
        content_type="application/json",
    )
    assert empty.status_code == 400
    assert "Write a message" in empty.json()["detail"]
    photo = SimpleUploadedFile("pic.png", png_bytes(), "image/png")
    ok = client.post("/api/v1/conversations/", {"recipient_id": recipient.pk, "image": photo})
    assert ok.status_code == 201, ok.content
    message = Message.objects.get(sender=sender)
    assert message.image.name.startswith("community/messages/")
    message.image.delete(save=False)


def test_script_in_a_message_is_shown_as_text_never_executed(in_a) -> None:
    sender = member_create(name="Hacker", styles=FOLLOW)
    recipient = member_create(name="Target", allow_open_messages=True)
    client = signed_in(in_a, sender)
    conversation = client.post(
        "/api/v1/conversations/",
        {"recipient_id": recipient.pk, "body": "<script>alert('x')</script>"},
        content_type="application/json",
    ).json()["id"]
    page = signed_in(in_a, recipient).get(f"/community/messages/{conversation}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_blocked_members_cannot_message_and_their_conversation_vanishes(in_a) -> None:
    a = member_create(name="Amy", styles=FOLLOW, allow_open_messages=True)
    b = member_create(name="Ben", styles=LEAD, allow_open_messages=True)
    ac, bc = signed_in(in_a, a), signed_in(in_a, b)
    conversation = ac.post(
        "/api/v1/conversations/",
        {"recipient_id": b.pk, "body": "hi"},
        content_type="application/json",
    ).json()["id"]
    block_create(blocker=a, blocked_id=b.pk)

    for client, other in ((bc, a), (ac, b)):
        assert client.get("/api/v1/conversations/").json()["results"] == []
        assert client.get(f"/api/v1/conversations/{conversation}/messages/").status_code == 404
        posted = client.post(
            f"/api/v1/conversations/{conversation}/messages/",
            {"body": "x"},
            content_type="application/json",
        )
        assert posted.status_code == 404
        started = client.post(
            "/api/v1/conversations/",
            {"recipient_id": other.pk, "body": "x"},
            content_type="application/json",
        )
        assert started.status_code == 403
        assert started.json()["detail"] == "You can't message this member."


def test_staff_can_message_any_member_who_can_answer(in_a) -> None:
    staff = member_create(name="Staff Sam")
    user_role_grant(user=staff, role=Role.ORGANIZER)
    member = member_create(name="Closed Carla")
    conversation = (
        signed_in(in_a, staff)
        .post(
            "/api/v1/conversations/",
            {"recipient_id": member.pk, "body": "Your class moved"},
            content_type="application/json",
        )
        .json()
    )
    assert conversation["is_staff_message"] is True
    answer = signed_in(in_a, member).post(
        f"/api/v1/conversations/{conversation['id']}/messages/",
        {"body": "Thanks"},
        content_type="application/json",
    )
    assert answer.status_code == 201


def test_read_receipts_are_off_by_default(in_a) -> None:
    a = member_create(name="Reader A", allow_open_messages=True)
    b = member_create(name="Reader B", allow_open_messages=True)
    ac, bc = signed_in(in_a, a), signed_in(in_a, b)
    conversation = ac.post(
        "/api/v1/conversations/",
        {"recipient_id": b.pk, "body": "hi"},
        content_type="application/json",
    ).json()["id"]
    bc.get(f"/community/messages/{conversation}/")
    assert "Read " not in ac.get(f"/community/messages/{conversation}/").content.decode()
    bc.patch("/api/v1/members/me/", {"read_receipts": True}, content_type="application/json")
    bc.get(f"/community/messages/{conversation}/")
    assert "Read " in ac.get(f"/community/messages/{conversation}/").content.decode()


def test_email_digest_sends_one_mail_for_many_messages_and_respects_switches(in_a) -> None:
    a = member_create(name="Digest A", allow_open_messages=True)
    b = member_create(name="Digest B", allow_open_messages=True)
    client = signed_in(in_a, a)
    conversation = client.post(
        "/api/v1/conversations/",
        {"recipient_id": b.pk, "body": "1"},
        content_type="application/json",
    ).json()["id"]
    for n in range(3):
        client.post(
            f"/api/v1/conversations/{conversation}/messages/",
            {"body": str(n)},
            content_type="application/json",
        )
    mail.outbox.clear()
    with schema_context(in_a.schema_name):
        notification_digests_send_task.delay()
        mail_to_b = [m for m in mail.outbox if b.email in m.to]
        assert len(mail_to_b) == 1
        assert "4 new notification" in mail_to_b[0].subject
        notification_digests_send_task.delay()  # nothing twice
        assert len([m for m in mail.outbox if b.email in m.to]) == 1

        notification_settings_update(user=b, kind="message", in_app=False, email=False)
    client.post(
        f"/api/v1/conversations/{conversation}/messages/",
        {"body": "quiet"},
        content_type="application/json",
    )
    with schema_context(in_a.schema_name):
        assert not Notification.objects.filter(user=b, email_pending=True).exists()
    assert signed_in(in_a, b).get("/api/v1/notifications/").json()["count"] == 4


def test_requests_and_conversations_of_one_community_are_unreachable_from_another(
    in_a, community_b
) -> None:
    a = member_create(name="Alpha One", styles=FOLLOW, allow_open_messages=True)
    b = member_create(name="Alpha Two", styles=LEAD, allow_open_messages=True)
    ac = signed_in(in_a, a)
    request_id = ac.post(
        "/api/v1/partner-requests/", {"recipient_id": b.pk}, content_type="application/json"
    ).json()["id"]
    conversation = ac.post(
        "/api/v1/conversations/",
        {"recipient_id": b.pk, "body": "hi"},
        content_type="application/json",
    ).json()["id"]
    # A member of Beta, with the same ids, on Beta's host.
    with schema_context(community_b.schema_name):
        intruder = member_create(name="Beta Intruder", styles=LEAD)
    bc = signed_in(community_b, intruder)
    assert bc.get("/api/v1/partner-requests/").json() == {"incoming": [], "outgoing": []}
    assert (
        bc.post(
            f"/api/v1/partner-requests/{request_id}/respond/",
            {"accept": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert bc.get(f"/api/v1/conversations/{conversation}/messages/").status_code == 404
    assert (
        bc.post(
            f"/api/v1/conversations/{conversation}/messages/",
            {"body": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert bc.get("/api/v1/conversations/").json()["results"] == []
    assert (
        bc.post(
            "/api/v1/partner-requests/", {"recipient_id": b.pk}, content_type="application/json"
        ).status_code
        == 404
    )
    # Alpha's session cookie is worthless on Beta's host.
    stolen = client_with_cookies_of(ac, community_b)
    assert stolen.get("/api/v1/conversations/").status_code == 403
    with schema_context(in_a.schema_name):
        assert PartnerRequest.objects.get(pk=request_id).status == "pending"
