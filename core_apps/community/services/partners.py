"""Partner requests and "looking for a partner" posts."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import AlreadyExists, InvalidInput, MemberNotFound, RateLimited
from core_apps.community.models import (
    STYLE_CODES,
    DanceRole,
    Notification,
    PartnerPost,
    PartnerRequest,
)
from core_apps.community.selectors.partners import partner_request_get, partners_are
from core_apps.community.selectors.profiles import profile_for_viewer
from core_apps.community.services.notifications import notification_send
from core_apps.community.services.profiles import text_clean
from core_apps.community.services.safety import code_of_conduct_require, member_active_require
from pista.billing_hooks import FEATURE_PARTNER_FINDER, plan_feature_require


def partner_requests_per_day() -> int:
    return int(getattr(settings, "COMMUNITY_PARTNER_REQUESTS_PER_DAY", 10))


def partner_request_send(
    *,
    sender: User,
    recipient_id: int,
    message: str = "",
    style: str = "",
    event_title: str = "",
    event_ref: int | None = None,
) -> PartnerRequest:
    """Ask a member to be partners. Raises MemberNotFound (invisible, blocked or
    missing member), AlreadyExists, RateLimited, InvalidInput, CodeOfConductRequired,
    PlanLimitReached (the community's plan has no partner finder)."""
    plan_feature_require(FEATURE_PARTNER_FINDER)
    member_active_require(user=sender)
    code_of_conduct_require(user=sender)
    if recipient_id == sender.pk:
        raise InvalidInput(_("You can't send a partner request to yourself."))
    profile_for_viewer(user_id=recipient_id, viewer=sender)  # MemberNotFound unless visible
    message = text_clean(message)
    if len(message) > 500:
        raise InvalidInput(_("Keep the message under 500 characters."))
    if style and style not in STYLE_CODES:
        raise InvalidInput(_("Unknown dance style %(style)r.") % {"style": style})
    event_title = text_clean(event_title)[:200]
    with transaction.atomic():
        # Serialise one sender's requests so the daily limit can't be raced past.
        User.objects.select_for_update().filter(pk=sender.pk).first()
        since = timezone.now() - timedelta(days=1)
        if (
            PartnerRequest.objects.filter(sender=sender, created_at__gte=since).count()
            >= partner_requests_per_day()
        ):
            raise RateLimited(
                _("You sent many partner requests today; please wait before sending more."),
                code="partner_request_limit",
            )
        if partners_are(a_id=sender.pk, b_id=recipient_id):
            raise AlreadyExists(_("You are already partners."), code="already_partners")
        if PartnerRequest.objects.filter(
            Q(sender=sender, recipient_id=recipient_id)
            | Q(sender_id=recipient_id, recipient=sender),
            status=PartnerRequest.Status.PENDING,
        ).exists():
            raise AlreadyExists(
                _("There is already a pending request between you."), code="request_pending"
            )
        try:
            with transaction.atomic():
                request = PartnerRequest.objects.create(
                    sender=sender,
                    recipient_id=recipient_id,
                    message=message,
                    style=style,
                    event_title=event_title,
                    event_ref=event_ref,
                )
        except IntegrityError:
            raise AlreadyExists(
                _("There is already a pending request between you."), code="request_pending"
            ) from None
        sender_name = (
            sender.dancer_profile.display_name
            if hasattr(sender, "dancer_profile")
            else _("A member")
        )
        notification_send(
            user_id=recipient_id,
            kind=Notification.Kind.PARTNER_REQUEST,
            text=lambda: _("%(name)s sent you a partner request.") % {"name": sender_name},
            url="/community/requests/",
        )
    return request


@transaction.atomic
def partner_request_respond(*, request_id: int, user: User, accept: bool) -> PartnerRequest:
    """The recipient accepts or declines. Declining is not announced to the sender
    beyond the request's status. Raises MemberNotFound, InvalidInput."""
    member_active_require(user=user)
    request = partner_request_get(request_id=request_id, user=user)
    if request.recipient_id != user.pk:
        raise MemberNotFound(_("No such partner request."))
    request = PartnerRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PartnerRequest.Status.PENDING:
        raise InvalidInput(_("This request was already answered."), code="request_closed")
    if accept:
        code_of_conduct_require(user=user)
    request.status = PartnerRequest.Status.ACCEPTED if accept else PartnerRequest.Status.DECLINED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    if accept:
        name = (
            user.dancer_profile.display_name if hasattr(user, "dancer_profile") else _("A member")
        )
        notification_send(
            user_id=request.sender_id,
            kind=Notification.Kind.PARTNER_ACCEPTED,
            text=lambda: (
                _("%(name)s accepted your partner request. You can now send messages.")
                % {"name": name}
            ),
            url="/community/messages/",
        )
    return request


@transaction.atomic
def partner_request_withdraw(*, request_id: int, user: User) -> PartnerRequest:
    request = partner_request_get(request_id=request_id, user=user)
    if request.sender_id != user.pk or request.status != PartnerRequest.Status.PENDING:
        raise InvalidInput(_("Only your own pending requests can be withdrawn."))
    request.status = PartnerRequest.Status.WITHDRAWN
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


def partner_post_create(
    *,
    author: User,
    event_title: str,
    role_wanted: str,
    style: str = "",
    note: str = "",
    event_ref: int | None = None,
    event_slug: str = "",
) -> PartnerPost:
    """Post "looking for a <role> for <event/course>". Raises InvalidInput,
    PlanLimitReached (the community's plan has no partner finder)."""
    plan_feature_require(FEATURE_PARTNER_FINDER)
    member_active_require(user=author)
    code_of_conduct_require(user=author)
    roles = {"lead": DanceRole.LEAD, "follow": DanceRole.FOLLOW, "both": DanceRole.BOTH}
    if role_wanted not in roles:
        raise InvalidInput(_("role_wanted must be lead, follow or both."))
    title = text_clean(event_title)
    if not title or len(title) > 200:
        raise InvalidInput(_("Name the event or course (up to 200 characters)."))
    if style and style not in STYLE_CODES:
        raise InvalidInput(_("Unknown dance style %(style)r.") % {"style": style})
    return PartnerPost.objects.create(
        author=author,
        event_title=title,
        event_slug=event_slug[:200],
        event_ref=event_ref,
        style=style,
        role_wanted=roles[role_wanted],
        note=text_clean(note)[:500],
    )
