"""Writes of dancer profiles and their partner-search entries."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import nh3
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import InvalidProfile
from core_apps.community.images import image_sanitise
from core_apps.community.models import (
    AVAILABILITY_SLOTS,
    GOALS,
    LEVEL_MAX,
    LEVEL_MIN,
    PROFILE_FIELDS_DEFAULT_VISIBILITY,
    STYLE_CODES,
    DanceRole,
    DancerProfile,
    DanceSkill,
    PartnerSearchEntry,
    Visibility,
)
from pista.text import name_clean

BIO_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
BIO_MAX = 4000
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,4})?$")
ROLE_BY_NAME = {"lead": DanceRole.LEAD, "follow": DanceRole.FOLLOW, "both": DanceRole.BOTH}
TEXT_FIELDS = {"display_name": 80, "pronouns": 40, "city": 80}
FLAG_FIELDS = ("allow_open_messages", "read_receipts", "show_in_going_lists")


def html_sanitise(text: str) -> str:
    """Keep simple formatting; drop scripts, styles, event handlers and other tags."""
    return nh3.clean(
        text,
        tags=BIO_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    ).strip()


def text_clean(text: str) -> str:
    """Plain one-line text: no markup at all, NFKC-normalised, no bidi or other
    control characters, whitespace collapsed (``pista.text.name_clean``)."""
    return name_clean(nh3.clean(text, tags=set()))


def profile_get_or_create(*, user: User) -> DancerProfile:
    """The member's profile, created private on first use."""
    profile = DancerProfile.objects.filter(user=user).first()
    if profile is None:
        profile, _created = DancerProfile.objects.get_or_create(
            user=user, defaults={"display_name": user.display_name or f"Dancer {user.pk}"}
        )
    return profile


def _names_to_mask(names: Any, table: Mapping[str, int], label: str) -> int:
    if not isinstance(names, list | tuple):
        raise InvalidProfile(
            _("%(label)s must be a list.") % {"label": label}, code="invalid_" + label
        )
    mask = 0
    for name in names:
        if name not in table:
            raise InvalidProfile(
                _("Unknown %(label)s value %(name)r.") % {"label": label, "name": name},
                code="invalid_" + label,
            )
        mask |= table[name]
    return mask


def _coordinate(value: Any, name: str, limit: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidProfile(
            _("%(name)s must be a number.") % {"name": name}, code="invalid_home_area"
        ) from None
    if math.isnan(number) or not -limit <= number <= limit:
        raise InvalidProfile(
            _("%(name)s is out of range.") % {"name": name}, code="invalid_home_area"
        )
    # Coarse on purpose: ~1 km, never a street address.
    return round(number, 2)


def _skills_parse(value: Any) -> list[tuple[str, int, int]]:
    if not isinstance(value, list):
        raise InvalidProfile(_("styles must be a list."), code="invalid_styles")
    parsed: dict[str, tuple[str, int, int]] = {}
    for item in value:
        if not isinstance(item, Mapping):
            raise InvalidProfile(
                _("Each style needs style, role and level."), code="invalid_styles"
            )
        style = str(item.get("style", "")).lower()
        role = ROLE_BY_NAME.get(str(item.get("role", "")).lower())
        try:
            level = int(item.get("level", 0))
        except (TypeError, ValueError):
            level = 0
        if style not in STYLE_CODES:
            raise InvalidProfile(
                _("Unknown dance style %(style)r.") % {"style": style}, code="invalid_styles"
            )
        if role is None:
            raise InvalidProfile(_("role must be lead, follow or both."), code="invalid_styles")
        if not LEVEL_MIN <= level <= LEVEL_MAX:
            raise InvalidProfile(
                _("Levels go from %(lowest)s to %(highest)s.")
                % {"lowest": LEVEL_MIN, "highest": LEVEL_MAX},
                code="invalid_styles",
            )
        parsed[style] = (style, int(role), level)
    return list(parsed.values())


@transaction.atomic
def profile_update(*, user: User, changes: Mapping[str, Any]) -> DancerProfile:
    """Apply a partial update to ``user``'s profile. Bio HTML is sanitised, coordinates
    are coarsened, and the partner-search entries follow. Raises InvalidProfile."""
    profile = profile_get_or_create(user=user)
    profile = DancerProfile.objects.select_for_update().get(pk=profile.pk)
    for field, max_length in TEXT_FIELDS.items():
        if field in changes:
            value = text_clean(str(changes[field] or ""))
            if len(value) > max_length:
                raise InvalidProfile(
                    _("%(field)s is too long (at most %(max_length)s).")
                    % {"field": field, "max_length": max_length}
                )
            if field == "display_name" and not value:
                raise InvalidProfile(_("The display name can't be empty."), code="invalid_name")
            setattr(profile, field, value)
    if "bio" in changes:
        bio = html_sanitise(str(changes["bio"] or ""))
        if len(bio) > BIO_MAX:
            raise InvalidProfile(
                _("The bio is too long (at most %(max_length)s characters).")
                % {"max_length": BIO_MAX}
            )
        profile.bio = bio
    if "latitude" in changes:
        profile.latitude = _coordinate(changes["latitude"], "latitude", 90)
    if "longitude" in changes:
        profile.longitude = _coordinate(changes["longitude"], "longitude", 180)
    if (profile.latitude is None) != (profile.longitude is None):
        raise InvalidProfile(_("Give both latitude and longitude, or neither."))
    if "languages" in changes:
        languages = changes["languages"]
        if not isinstance(languages, list | tuple) or len(languages) > 12:
            raise InvalidProfile(_("languages must be a list of up to 12 codes."))
        codes = [str(code).strip().lower() for code in languages]
        if not all(LANGUAGE_CODE.match(code) for code in codes):
            raise InvalidProfile(_("Use language codes such as en, es or pt-br."))
        profile.languages = sorted(set(codes))
    if "goals" in changes:
        profile.goals = _names_to_mask(changes["goals"], GOALS, "goals")
    if "availability" in changes:
        profile.availability = _names_to_mask(
            changes["availability"], AVAILABILITY_SLOTS, "availability"
        )
    for field in ("height_min_cm", "height_max_cm"):
        if field in changes:
            value = changes[field]
            if value in (None, ""):
                setattr(profile, field, None)
                continue
            try:
                height = int(value)
            except (TypeError, ValueError):
                raise InvalidProfile(
                    _("%(field)s must be a whole number.") % {"field": field}
                ) from None
            if not 100 <= height <= 250:
                raise InvalidProfile(_("Heights go from 100 to 250 cm."), code="invalid_height")
            setattr(profile, field, height)
    if (
        profile.height_min_cm is not None
        and profile.height_max_cm is not None
        and profile.height_min_cm > profile.height_max_cm
    ):
        raise InvalidProfile(_("The height range is impossible."), code="invalid_height")
    if "visibility" in changes:
        if changes["visibility"] not in Visibility.values:
            raise InvalidProfile(_("visibility must be private, members or public."))
        profile.visibility = changes["visibility"]
    if "field_visibility" in changes:
        chosen = changes["field_visibility"]
        if not isinstance(chosen, Mapping):
            raise InvalidProfile(_("field_visibility must map field names to a visibility."))
        merged = dict(profile.field_visibility)
        for field, value in chosen.items():
            if field not in PROFILE_FIELDS_DEFAULT_VISIBILITY or value not in Visibility.values:
                raise InvalidProfile(_("Invalid visibility for %(field)r.") % {"field": field})
            merged[field] = value
        profile.field_visibility = merged
    for flag in FLAG_FIELDS:
        if flag in changes:
            setattr(profile, flag, bool(changes[flag]))
    profile.save()
    if "styles" in changes:
        skills = _skills_parse(changes["styles"])
        DanceSkill.objects.filter(profile=profile).delete()
        DanceSkill.objects.bulk_create(
            DanceSkill(profile=profile, style=style, role=role, level=level)
            for style, role, level in skills
        )
    profile_search_index_refresh(profile=profile)
    return profile


@transaction.atomic
def profile_photo_set(*, user: User, upload: UploadedFile | None) -> DancerProfile:
    """Replace (or with None, remove) the photo. Raises InvalidImage."""
    profile = profile_get_or_create(user=user)
    if upload is None:
        if profile.photo:
            profile.photo.delete(save=False)
        profile.photo = ""
    else:
        clean = image_sanitise(upload=upload)
        if profile.photo:
            profile.photo.delete(save=False)
        profile.photo.save(clean.name or "photo.jpg", clean, save=False)
    profile.save(update_fields=["photo", "updated_at"])
    return profile


def _visible_to_members(profile: DancerProfile, field: str) -> bool:
    return profile.field_visibility.get(field, Visibility.PRIVATE) != Visibility.PRIVATE


def profile_search_index_refresh(*, profile: DancerProfile) -> None:
    """Rewrite the profile's partner-search entries from what members may see."""
    PartnerSearchEntry.objects.filter(profile=profile).delete()
    user_active = User.objects.filter(pk=profile.user_id, is_active=True).exists()
    if (
        profile.visibility == Visibility.PRIVATE
        or profile.hidden_by_moderation
        or not user_active
        or not _visible_to_members(profile, "styles")
    ):
        return
    area = _visible_to_members(profile, "home_area")
    PartnerSearchEntry.objects.bulk_create(
        PartnerSearchEntry(
            profile=profile,
            user_id=profile.user_id,
            style=skill.style,
            role=skill.role,
            level=skill.level,
            latitude=profile.latitude if area else None,
            longitude=profile.longitude if area else None,
            goals=profile.goals if _visible_to_members(profile, "goals") else 0,
            availability=(
                profile.availability if _visible_to_members(profile, "availability") else 0
            ),
            languages=list(profile.languages) if _visible_to_members(profile, "languages") else [],
        )
        for skill in profile.skills.all()
    )
