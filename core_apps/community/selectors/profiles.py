"""Reads of dancer profiles, always through the eyes of a viewer.

``profile_present`` is the only way a profile leaves the app (HTML, API, export):
fields the viewer may not see are simply absent, and email or phone never appear.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import MemberNotFound
from core_apps.community.models import (
    AVAILABILITY_SLOTS,
    GOALS,
    VISIBILITY_RANK,
    DancerProfile,
    Visibility,
)
from core_apps.community.selectors.safety import block_exists_between, member_is_moderator

Viewer = User | AnonymousUser


def goals_names(mask: int) -> list[str]:
    return [name for name, bit in GOALS.items() if mask & bit]


def availability_names(mask: int) -> list[str]:
    return [name for name, bit in AVAILABILITY_SLOTS.items() if mask & bit]


def profile_visible_to(*, profile: DancerProfile, viewer: Viewer) -> bool:
    """Whether ``viewer`` may see the profile at all."""
    if viewer.is_authenticated and viewer.pk == profile.user_id:
        return True
    if profile.hidden_by_moderation or not profile.user.is_active:
        return isinstance(viewer, User) and member_is_moderator(user=viewer)
    if profile.visibility == Visibility.PRIVATE:
        return False
    if profile.visibility == Visibility.MEMBERS and not viewer.is_authenticated:
        return False
    return not (
        viewer.is_authenticated and block_exists_between(a_id=viewer.pk, b_id=profile.user_id)
    )


def field_visible_to(*, profile: DancerProfile, field: str, viewer: Viewer) -> bool:
    if viewer.is_authenticated and viewer.pk == profile.user_id:
        return True
    chosen = profile.field_visibility.get(field, Visibility.PRIVATE)
    limit = min(
        VISIBILITY_RANK[Visibility(chosen)], VISIBILITY_RANK[Visibility(profile.visibility)]
    )
    if limit == VISIBILITY_RANK[Visibility.PRIVATE]:
        return False
    if viewer.is_authenticated:
        return True
    return limit == VISIBILITY_RANK[Visibility.PUBLIC]


def profile_present(*, profile: DancerProfile, viewer: Viewer) -> dict[str, Any]:
    """The profile as ``viewer`` may see it (the caller checked ``profile_visible_to``)."""
    is_self = viewer.is_authenticated and viewer.pk == profile.user_id
    data: dict[str, Any] = {"id": profile.user_id, "display_name": profile.display_name}

    def visible(field: str) -> bool:
        return field_visible_to(profile=profile, field=field, viewer=viewer)

    if visible("photo"):
        data["photo_url"] = profile.photo.url if profile.photo else None
    if visible("pronouns"):
        data["pronouns"] = profile.pronouns
    if visible("bio"):
        data["bio"] = profile.bio
    if visible("home_area"):
        data["city"] = profile.city
        if is_self:
            data["latitude"] = profile.latitude
            data["longitude"] = profile.longitude
    if visible("languages"):
        data["languages"] = list(profile.languages)
    if visible("styles"):
        data["styles"] = [
            {"style": skill.style, "role": skill.get_role_display().lower(), "level": skill.level}
            for skill in profile.skills.all()
        ]
    if visible("goals"):
        data["goals"] = goals_names(profile.goals)
    if visible("availability"):
        data["availability"] = availability_names(profile.availability)
    if visible("height"):
        data["height_min_cm"] = profile.height_min_cm
        data["height_max_cm"] = profile.height_max_cm
    if is_self:
        data.update(
            visibility=profile.visibility,
            field_visibility=dict(profile.field_visibility),
            allow_open_messages=profile.allow_open_messages,
            read_receipts=profile.read_receipts,
            show_in_going_lists=profile.show_in_going_lists,
        )
    return data


def profile_for_viewer(*, user_id: int, viewer: Viewer) -> DancerProfile:
    """The profile of member ``user_id`` if ``viewer`` may see it. Raises MemberNotFound
    (the same answer for a private, blocked, suspended or missing profile)."""
    profile = (
        DancerProfile.objects.select_related("user")
        .prefetch_related("skills")
        .filter(user_id=user_id)
        .first()
    )
    if profile is None or not profile_visible_to(profile=profile, viewer=viewer):
        raise MemberNotFound(_("No such member."))
    return profile


def profile_has_styles(*, user_id: int) -> bool:
    """Whether a member has said what they dance (the partner finder needs it)."""
    return DancerProfile.objects.filter(user_id=user_id, skills__isnull=False).exists()


def going_list_filter(*, user_ids: list[int]) -> list[int]:
    """Seam for the events app: of the members going to an event, those who opted
    in to appear on "going" lists (in the given order)."""
    allowed = set(
        DancerProfile.objects.filter(
            user_id__in=user_ids,
            show_in_going_lists=True,
            hidden_by_moderation=False,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    return [user_id for user_id in user_ids if user_id in allowed]
