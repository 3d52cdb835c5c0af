"""Follows and groups."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import AlreadyExists, InvalidInput, MemberNotFound, NotAllowed
from core_apps.community.models import Follow, Group, GroupMembership, GroupPost, Notification
from core_apps.community.selectors.profiles import profile_for_viewer
from core_apps.community.services.notifications import notification_send, notifications_send
from core_apps.community.services.profiles import text_clean
from core_apps.community.services.safety import code_of_conduct_require, member_active_require
from pista.text import slug_make


def follow_create(*, follower: User, followed_id: int) -> Follow:
    """Follow a member or teacher whose profile ``follower`` can see."""
    member_active_require(user=follower)
    if followed_id == follower.pk:
        raise InvalidInput(_("You can't follow yourself."))
    profile_for_viewer(user_id=followed_id, viewer=follower)
    follow, created = Follow.objects.get_or_create(follower=follower, followed_id=followed_id)
    if created:
        name = getattr(getattr(follower, "dancer_profile", None), "display_name", _("A member"))
        notification_send(
            user_id=followed_id,
            kind=Notification.Kind.FOLLOW,
            text=lambda: _("%(name)s follows you now.") % {"name": name},
            url=f"/community/members/{follower.pk}/",
        )
    return follow


def follow_delete(*, follower: User, followed_id: int) -> None:
    Follow.objects.filter(follower=follower, followed_id=followed_id).delete()


@transaction.atomic
def group_create(*, creator: User, name: str, description: str = "", join_policy: str) -> Group:
    member_active_require(user=creator)
    code_of_conduct_require(user=creator)
    name = text_clean(name)
    if not name or len(name) > 120:
        raise InvalidInput(_("A group needs a name of up to 120 characters."))
    if join_policy not in Group.JoinPolicy.values:
        raise InvalidInput(_("join_policy must be open or approval."))
    slug = slug_make(name)[:100] or "group"
    if Group.objects.filter(slug=slug).exists():
        raise AlreadyExists(_("A group with this name exists."), code="group_exists")
    group = Group.objects.create(
        name=name,
        slug=slug,
        description=text_clean(description)[:2000],
        join_policy=join_policy,
        created_by=creator,
    )
    GroupMembership.objects.create(
        group=group, user=creator, status=GroupMembership.Status.ACTIVE, is_admin=True
    )
    return group


def _admin_ids(group: Group) -> list[int]:
    return list(
        group.memberships.filter(is_admin=True, status=GroupMembership.Status.ACTIVE).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def group_join(*, group: Group, user: User) -> GroupMembership:
    """Join an open group, or ask to join one that approves its members."""
    member_active_require(user=user)
    code_of_conduct_require(user=user)
    status = (
        GroupMembership.Status.ACTIVE
        if group.join_policy == Group.JoinPolicy.OPEN
        else GroupMembership.Status.PENDING
    )
    membership, created = GroupMembership.objects.get_or_create(
        group=group, user=user, defaults={"status": status}
    )
    if created and status == GroupMembership.Status.PENDING:
        notifications_send(
            user_ids=_admin_ids(group),
            kind=Notification.Kind.GROUP,
            text=lambda: _("Someone asked to join %(name)s.") % {"name": group.name},
            url=f"/community/groups/{group.slug}/",
        )
    return membership


def group_leave(*, group: Group, user: User) -> None:
    GroupMembership.objects.filter(group=group, user=user, is_admin=False).delete()


def _group_admin_require(group: Group, user: User) -> None:
    if user.pk not in _admin_ids(group):
        raise NotAllowed(_("Only the group's admins can do this."))


@transaction.atomic
def group_membership_approve(*, group: Group, approver: User, user_id: int) -> GroupMembership:
    _group_admin_require(group, approver)
    membership = GroupMembership.objects.filter(
        group=group, user_id=user_id, status=GroupMembership.Status.PENDING
    ).first()
    if membership is None:
        raise MemberNotFound(_("No such pending member."))
    membership.status = GroupMembership.Status.ACTIVE
    membership.save(update_fields=["status"])
    notification_send(
        user_id=user_id,
        kind=Notification.Kind.GROUP,
        text=lambda: _("You are now a member of %(name)s.") % {"name": group.name},
        url=f"/community/groups/{group.slug}/",
    )
    return membership


@transaction.atomic
def group_post_create(
    *, group: Group, author: User, body: str, is_announcement: bool = False
) -> GroupPost:
    """Post in a group (members only); announcements are for its admins and notify
    every member."""
    member_active_require(user=author)
    if not GroupMembership.objects.filter(
        group=group, user=author, status=GroupMembership.Status.ACTIVE
    ).exists():
        raise NotAllowed(_("Join the group to post in it."))
    if is_announcement:
        _group_admin_require(group, author)
    body = (body or "").strip()
    if not body or len(body) > 4000:
        raise InvalidInput(_("Posts are 1 to 4000 characters."))
    post = GroupPost.objects.create(
        group=group, author=author, body=body, is_announcement=is_announcement
    )
    if is_announcement:
        notifications_send(
            user_ids=group.memberships.filter(status=GroupMembership.Status.ACTIVE)
            .exclude(user=author)
            .values_list("user_id", flat=True),
            kind=Notification.Kind.GROUP,
            text=lambda: _("New announcement in %(name)s.") % {"name": group.name},
            url=f"/community/groups/{group.slug}/",
        )
    return post
