"""Conversations and messages: only between accepted partners, towards members
who accept open messages, or from staff; rate-limited; images only."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import CannotMessage, InvalidInput, MemberNotFound, RateLimited
from core_apps.community.images import image_sanitise
from core_apps.community.models import (
    Conversation,
    ConversationMember,
    DancerProfile,
    Message,
    Notification,
)
from core_apps.community.selectors.partners import partners_are
from core_apps.community.selectors.safety import block_exists_between, member_is_staff
from core_apps.community.services.notifications import notification_send
from core_apps.community.services.safety import code_of_conduct_require, member_active_require

MESSAGE_MAX = 4000


def new_conversations_per_day() -> int:
    return int(getattr(settings, "COMMUNITY_NEW_CONVERSATIONS_PER_DAY", 10))


def messages_per_minute() -> int:
    return int(getattr(settings, "COMMUNITY_MESSAGES_PER_MINUTE", 20))


def messaging_allowed(*, sender: User, recipient: User) -> bool:
    """May ``sender`` message ``recipient`` now? Never across a block (either way) or
    to or from a suspended member; then partners, open recipients, or staff."""
    if not (sender.is_active and recipient.is_active) or sender.pk == recipient.pk:
        return False
    if block_exists_between(a_id=sender.pk, b_id=recipient.pk):
        return False
    if member_is_staff(user=sender):
        return True
    profile = DancerProfile.objects.filter(user=recipient).first()
    if profile is None or profile.hidden_by_moderation:
        return False
    return partners_are(a_id=sender.pk, b_id=recipient.pk) or profile.allow_open_messages


def _conversation_between(a_id: int, b_id: int) -> Conversation | None:
    return (
        Conversation.objects.filter(memberships__user_id=a_id)
        .filter(memberships__user_id=b_id)
        .order_by("pk")
        .first()
    )


def _clean_body(body: str, image: UploadedFile | None) -> str:
    body = (body or "").strip()
    if len(body) > MESSAGE_MAX:
        raise InvalidInput(
            _("Messages are at most %(max_length)s characters.") % {"max_length": MESSAGE_MAX}
        )
    if not body and image is None:
        raise InvalidInput(_("Write a message or attach an image."), code="empty_message")
    return body


def conversation_start(
    *, sender: User, recipient_id: int, body: str, image: UploadedFile | None = None
) -> Conversation:
    """Open (or reuse) the 1:1 conversation with a member and send the first message.
    Raises CannotMessage, RateLimited, InvalidInput, InvalidImage, CodeOfConductRequired."""
    member_active_require(user=sender)
    code_of_conduct_require(user=sender)
    recipient = User.objects.filter(pk=recipient_id).first()
    if recipient is None:
        raise MemberNotFound(_("No such member."))
    if not messaging_allowed(sender=sender, recipient=recipient):
        raise CannotMessage(_("You can't message this member."))
    _clean_body(body, image)
    existing = _conversation_between(sender.pk, recipient.pk)
    if existing is not None:
        message_send(conversation=existing, sender=sender, body=body, image=image)
        return existing
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=sender.pk).first()
        since = timezone.now() - timedelta(days=1)
        if (
            Conversation.objects.filter(created_by=sender, created_at__gte=since).count()
            >= new_conversations_per_day()
        ):
            raise RateLimited(
                _("You started many conversations today; please wait before starting more."),
                code="conversation_limit",
            )
        conversation = Conversation.objects.create(
            created_by=sender, is_staff_message=member_is_staff(user=sender)
        )
        ConversationMember.objects.bulk_create(
            [
                ConversationMember(conversation=conversation, user=sender),
                ConversationMember(conversation=conversation, user=recipient),
            ]
        )
        message_send(conversation=conversation, sender=sender, body=body, image=image)
    return conversation


@transaction.atomic
def message_send(
    *, conversation: Conversation, sender: User, body: str, image: UploadedFile | None = None
) -> Message:
    """Send a message in a conversation ``sender`` belongs to. Every other member must
    still be reachable. Raises CannotMessage, RateLimited, InvalidInput, InvalidImage."""
    member_active_require(user=sender)
    body = _clean_body(body, image)
    member_ids = set(conversation.memberships.values_list("user_id", flat=True))
    if sender.pk not in member_ids:
        raise MemberNotFound(_("No such conversation."))
    others = list(User.objects.filter(pk__in=member_ids - {sender.pk}))
    staff_thread = conversation.is_staff_message and conversation.created_by_id != sender.pk
    for other in others:
        # A member may always answer staff; otherwise the usual rules apply.
        if (
            staff_thread
            and other.pk == conversation.created_by_id
            and other.is_active
            and (not block_exists_between(a_id=sender.pk, b_id=other.pk))
        ):
            continue
        if not messaging_allowed(sender=sender, recipient=other):
            raise CannotMessage(_("You can't message this member."))
    User.objects.select_for_update().filter(pk=sender.pk).first()
    since = timezone.now() - timedelta(minutes=1)
    if (
        Message.objects.filter(sender=sender, created_at__gte=since).count()
        >= messages_per_minute()
    ):
        raise RateLimited(
            _("You are sending messages too quickly; wait a minute."), code="message_limit"
        )
    message = Message(conversation=conversation, sender=sender, body=body)
    if image is not None:
        clean = image_sanitise(upload=image)
        message.image.save(clean.name or "image.jpg", clean, save=False)
    message.save()
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    ConversationMember.objects.filter(conversation=conversation, user=sender).update(
        last_read_at=now
    )
    name = getattr(getattr(sender, "dancer_profile", None), "display_name", _("A member"))
    for other in others:
        notification_send(
            user_id=other.pk,
            kind=Notification.Kind.MESSAGE,
            text=lambda: _("New message from %(name)s.") % {"name": name},
            url=f"/community/messages/{conversation.pk}/",
        )
    return message


def conversation_mark_read(*, conversation: Conversation, user: User) -> None:
    ConversationMember.objects.filter(conversation=conversation, user=user).update(
        last_read_at=timezone.now()
    )
