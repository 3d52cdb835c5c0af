"""The notification digest goes out in the community's theme and language, once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from core_apps.community.models import Notification
from core_apps.community.services.notifications import notifications_send
from core_apps.community.tasks import notification_digest_send_task
from tenants.models import Community
from tests.core_apps.community.conftest import member_create


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("smtp down")


def pending_for(member, *texts: str) -> None:
    for text in texts:
        notifications_send(
            user_ids=[member.pk],
            kind="message",
            text=lambda written=text: written,
            url="/community/x/",
        )


def test_the_digest_is_themed_lists_each_notification_and_is_sent_once(in_a) -> None:
    member = member_create(name="Digest Reader")
    pending_for(member, "Flo wrote to you", "Ana wrote to you")
    mail.outbox.clear()

    assert notification_digest_send_task.delay(user_id=member.pk).get() is True
    [digest] = mail.outbox
    assert digest.to == [member.email]
    assert digest.subject == f"{in_a.name}: 2 new notifications"
    assert "Flo wrote to you" in digest.body and "Ana wrote to you" in digest.body
    assert "/community/notifications/" in digest.body
    (html, mimetype), *_ = digest.alternatives
    assert mimetype == "text/html" and "<html" in html and in_a.name in html

    assert notification_digest_send_task.delay(user_id=member.pk).get() is False
    assert len(mail.outbox) == 1


def test_the_digest_is_rendered_in_the_communitys_language(in_a) -> None:
    Community.objects.filter(pk=in_a.pk).update(language="es")
    member = member_create(name="Lectora")
    pending_for(member, "Flo te escribió")
    mail.outbox.clear()

    notification_digest_send_task.delay(user_id=member.pk)
    [digest] = mail.outbox
    assert 'lang="es"' in digest.alternatives[0][0]


def test_a_digest_that_cannot_be_sent_leaves_its_notifications_for_the_next_one(
    in_a, settings
) -> None:
    member = member_create(name="Digest Retry")
    pending_for(member, "Flo wrote to you")
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with pytest.raises(ConnectionRefusedError):
        notification_digest_send_task.delay(user_id=member.pk)
    assert Notification.objects.filter(user=member, email_pending=True).count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    notification_digest_send_task.delay(user_id=member.pk)
    assert [m.to for m in mail.outbox] == [[member.email]]
