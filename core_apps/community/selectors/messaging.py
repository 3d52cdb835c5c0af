"""Reads of conversations, messages, notifications, follows and groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import MemberNotFound
from core_apps.community.models import (
    Conversation,
    ConversationMember,
    Follow,
    Group,
    GroupMembership,
    GroupPost,
    Message,
    Notification,
    NotificationSetting,
)
from core_apps.community.selectors.safety import blocked_user_ids, member_is_moderator


@dataclass(frozen=True)
class ConversationSummary:
    conversation: Conversation
    other_ids: list[int]
    other_names: list[str]
    unread: bool


def _display_name(user: User) -> str:
    profile = getattr(user, "dancer_profile", None)
    return (
        profile.display_name
        if profile is not None
        else _("Member %(number)s") % {"number": user.pk}
    )


def conversations_for(*, user: User) -> list[ConversationSummary]:
    """``user``'s conversations, newest first, without anyone blocked either way."""
    hidden = blocked_user_ids(user=user)
    memberships = (
        ConversationMember.objects.filter(user=user)
        .select_related("conversation")
        .prefetch_related(
            Prefetch(
                "conversation__memberships",
                queryset=ConversationMember.objects.select_related("user__dancer_profile"),
            )
        )
        .order_by("-conversation__last_message_at", "-conversation_id")
    )
    summaries = []
    for membership in memberships:
        conversation = membership.conversation
        others = [m.user for m in conversation.memberships.all() if m.user_id != user.pk]
        if any(other.pk in hidden for other in others):
            continue
        last = conversation.last_message_at
        summaries.append(
            ConversationSummary(
                conversation=conversation,
                other_ids=[o.pk for o in others],
                other_names=[_display_name(o) for o in others],
                unread=bool(
                    last and (membership.last_read_at is None or last > membership.last_read_at)
                ),
            )
        )
    return summaries


def conversation_for_member(*, conversation_id: int, user: User) -> Conversation:
    """A conversation ``user`` takes part in. Raises MemberNotFound otherwise (also
    when the other side blocked them, or they blocked the other side)."""
    conversation = Conversation.objects.filter(pk=conversation_id, memberships__user=user).first()
    if conversation is None:
        raise MemberNotFound(_("No such conversation."))
    hidden = blocked_user_ids(user=user)
    if hidden & set(conversation.memberships.values_list("user_id", flat=True)):
        raise MemberNotFound(_("No such conversation."))
    return conversation


def conversation_messages(*, conversation: Conversation, viewer: User) -> QuerySet[Message]:
    """Messages ``viewer`` may see: hidden (moderated) messages only for their sender."""
    messages = conversation.messages.select_related("sender__dancer_profile")
    if not member_is_moderator(user=viewer):
        messages = messages.exclude(hidden_by_moderation=True)
    return messages.order_by("created_at", "pk")


def conversation_read_receipts(
    *, conversation: Conversation, viewer: User
) -> dict[int, datetime | None]:
    """When the others last read, for those who turned read receipts on (off by default)."""
    return {
        m.user_id: m.last_read_at
        for m in conversation.memberships.select_related("user__dancer_profile")
        if m.user_id != viewer.pk
        and getattr(getattr(m.user, "dancer_profile", None), "read_receipts", False)
    }


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, in_app=True).order_by("-created_at")


def notification_settings_for(*, user: User) -> dict[str, dict[str, bool]]:
    settings = {kind: {"in_app": True, "email": True} for kind in Notification.Kind.values}
    for row in NotificationSetting.objects.filter(user=user):
        settings[row.kind] = {"in_app": row.in_app, "email": row.email}
    return settings


def followers_of(*, user: User, viewer: User) -> list[int]:
    hidden = blocked_user_ids(user=viewer)
    return [
        follower_id
        for follower_id in Follow.objects.filter(
            followed=user, follower__is_active=True
        ).values_list("follower_id", flat=True)
        if follower_id not in hidden
    ]


def following_of(*, user: User) -> list[int]:
    hidden = blocked_user_ids(user=user)
    return [
        followed_id
        for followed_id in Follow.objects.filter(follower=user).values_list(
            "followed_id", flat=True
        )
        if followed_id not in hidden
    ]


def groups_listed() -> QuerySet[Group]:
    return Group.objects.order_by("name")


def group_get(*, slug: str) -> Group:
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        raise MemberNotFound(_("No such group."))
    return group


def group_membership(*, group: Group, user: User) -> GroupMembership | None:
    if not user.is_authenticated:
        return None
    return GroupMembership.objects.filter(group=group, user=user).first()


def group_members(*, group: Group, viewer: User) -> list[GroupMembership]:
    """The member list, for the group's own members only (and never blocked people)."""
    own = group_membership(group=group, user=viewer)
    if own is None or own.status != GroupMembership.Status.ACTIVE:
        return []
    hidden = blocked_user_ids(user=viewer)
    return [
        m
        for m in group.memberships.filter(
            status=GroupMembership.Status.ACTIVE, user__is_active=True
        ).select_related("user__dancer_profile")
        if m.user_id not in hidden
    ]


def group_posts(*, group: Group, viewer: User) -> list[GroupPost]:
    own = group_membership(group=group, user=viewer)
    if own is None or own.status != GroupMembership.Status.ACTIVE:
        return []
    hidden = blocked_user_ids(user=viewer)
    return [
        post
        for post in group.posts.filter(hidden_by_moderation=False, author__is_active=True)
        .select_related("author__dancer_profile")
        .order_by("-is_announcement", "-created_at")[:100]
        if post.author_id not in hidden
    ]


def member_display_name(*, user: User) -> str:
    return _display_name(user)


def group_members_export(*, group: Group, viewer: User) -> list[dict[str, str]]:
    """Rows for the group admins' member export: each member as ``viewer`` may see
    them (``profile_present``), so hidden fields, email and phone never appear.
    Raises NotAllowed for anyone but the group's admins."""
    from core_apps.community.errors import NotAllowed
    from core_apps.community.models import DancerProfile
    from core_apps.community.selectors.profiles import profile_present, profile_visible_to

    own = group_membership(group=group, user=viewer)
    if own is None or not own.is_admin or own.status != GroupMembership.Status.ACTIVE:
        raise NotAllowed(_("Only the group's admins can export its member list."))
    rows = []
    for membership in group_members(group=group, viewer=viewer):
        profile = (
            DancerProfile.objects.prefetch_related("skills")
            .select_related("user")
            .filter(user_id=membership.user_id)
            .first()
        )
        if profile is None or not profile_visible_to(profile=profile, viewer=viewer):
            rows.append(
                {"id": str(membership.user_id), "display_name": _display_name(membership.user)}
            )
            continue
        data = profile_present(profile=profile, viewer=viewer)
        rows.append(
            {
                "id": str(data["id"]),
                "display_name": data["display_name"],
                "pronouns": data.get("pronouns", ""),
                "city": data.get("city", ""),
                "languages": " ".join(data.get("languages", [])),
                "styles": " ".join(
                    f"{s['style']}:{s['role']}:{s['level']}" for s in data.get("styles", [])
                ),
            }
        )
    return rows
