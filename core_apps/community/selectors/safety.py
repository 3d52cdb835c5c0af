"""Reads about roles, blocks, the code of conduct and the moderation queue."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.community.models import (
    Block,
    CodeOfConduct,
    CodeOfConductAcceptance,
    ModerationAction,
    Report,
)

MODERATING_ROLES = [Role.OWNER.value, Role.ADMIN.value, Role.MODERATOR.value]
STAFF_MESSAGING_ROLES = [*MODERATING_ROLES, Role.ORGANIZER.value]


def member_is_moderator(*, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=MODERATING_ROLES).exists()


def member_is_staff(*, user: User) -> bool:
    """Staff may message any member (staff → member messages)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=STAFF_MESSAGING_ROLES).exists()


def moderators() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name__in=MODERATING_ROLES).distinct()


def blocked_user_ids(*, user: User) -> set[int]:
    """Everyone ``user`` blocked or was blocked by: they don't exist for each other."""
    if not user.is_authenticated:
        return set()
    ids: set[int] = set()
    for blocker_id, blocked_id in Block.objects.filter(
        Q(blocker=user) | Q(blocked=user)
    ).values_list("blocker_id", "blocked_id"):
        ids.add(blocked_id if blocker_id == user.pk else blocker_id)
    return ids


def block_exists_between(*, a_id: int, b_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocks_by(*, user: User) -> QuerySet[Block]:
    """The blocks ``user`` made (never the ones made against them)."""
    return Block.objects.filter(blocker=user).select_related("blocked__dancer_profile")


def code_of_conduct_current() -> CodeOfConduct | None:
    return CodeOfConduct.objects.order_by("-version").first()


def code_of_conduct_pending(*, user: User) -> CodeOfConduct | None:
    """The current code if ``user`` still has to accept it, else None."""
    current = (
        CodeOfConduct.objects.order_by("-version")
        .annotate(
            accepted=Exists(
                CodeOfConductAcceptance.objects.filter(user_id=user.pk, code=OuterRef("pk"))
            )
        )
        .first()
    )
    if current is None or current.accepted:
        return None
    return current


def reports_open() -> QuerySet[Report]:
    return Report.objects.filter(status=Report.Status.OPEN).order_by("created_at")


def reports_all() -> QuerySet[Report]:
    return Report.objects.order_by("-created_at")


def moderation_audit_trail(*, target_user_id: int | None = None) -> QuerySet[ModerationAction]:
    actions = ModerationAction.objects.select_related("moderator", "target_user", "report")
    if target_user_id is not None:
        actions = actions.filter(target_user_id=target_user_id)
    return actions.order_by("-created_at")
