"""Dancer profiles, their styles and the partner-search entries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

DANCE_STYLES = [
    ("salsa", _("Salsa")),
    ("bachata", _("Bachata")),
    ("kizomba", _("Kizomba")),
    ("tango", _("Argentine tango")),
    ("lindy", _("Lindy hop")),
    ("wcs", _("West coast swing")),
    ("ballroom", _("Ballroom")),
    ("zouk", _("Brazilian zouk")),
    ("blues", _("Blues")),
    ("forro", _("Forró")),
]
STYLE_CODES = [code for code, _label in DANCE_STYLES]

LEVELS = [
    (1, _("Beginner")),
    (2, _("Improver")),
    (3, _("Intermediate")),
    (4, _("Advanced")),
    (5, _("Professional")),
]
LEVEL_MIN, LEVEL_MAX = 1, 5


class DanceRole(models.IntegerChoices):
    """Stored as bits so that ``role & wanted`` finds complementary dancers."""

    LEAD = 1, _("Lead")
    FOLLOW = 2, _("Follow")
    BOTH = 3, _("Both")


# Goals and availability are bit masks: overlap is one ``&`` in the search query.
GOALS = {"social": 1, "classes": 2, "practice": 4, "performance": 8, "competition": 16}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_PARTS = ["morning", "afternoon", "evening"]
AVAILABILITY_SLOTS = {
    f"{day}-{part}": 1 << (d * len(DAY_PARTS) + p)
    for d, day in enumerate(WEEKDAYS)
    for p, part in enumerate(DAY_PARTS)
}


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    MEMBERS = "members", _("Members of this community")
    PUBLIC = "public", _("Everyone")


VISIBILITY_RANK = {Visibility.PRIVATE: 0, Visibility.MEMBERS: 1, Visibility.PUBLIC: 2}

# Fields whose visibility each member chooses, with the default for new profiles.
# Height is shown only if the member opts in.
PROFILE_FIELDS_DEFAULT_VISIBILITY = {
    "photo": Visibility.MEMBERS,
    "pronouns": Visibility.MEMBERS,
    "bio": Visibility.MEMBERS,
    "home_area": Visibility.MEMBERS,
    "languages": Visibility.MEMBERS,
    "styles": Visibility.MEMBERS,
    "goals": Visibility.MEMBERS,
    "availability": Visibility.MEMBERS,
    "height": Visibility.PRIVATE,
}


def field_visibility_default() -> dict[str, str]:
    return {name: str(value) for name, value in PROFILE_FIELDS_DEFAULT_VISIBILITY.items()}


class DancerProfile(models.Model):
    """A member's dance profile. Private (visible to nobody else) until the member
    chooses members-only or public; each field has its own visibility on top."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="dancer_profile", verbose_name=_("member")
    )
    display_name = models.CharField(_("display name"), max_length=80)
    photo = models.ImageField(_("photo"), upload_to="community/photos/", blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    bio = models.TextField(_("about me"), blank=True, help_text=_("Sanitised HTML."))
    city = models.CharField(_("city"), max_length=80, blank=True)
    # Coarse coordinates only (rounded to ~1 km), never a street address.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    languages = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, verbose_name=_("languages")
    )
    goals = models.PositiveIntegerField(_("goals"), default=0)
    availability = models.PositiveIntegerField(_("availability"), default=0)
    height_min_cm = models.PositiveSmallIntegerField(
        _("partner height from (cm)"), null=True, blank=True
    )
    height_max_cm = models.PositiveSmallIntegerField(
        _("partner height to (cm)"), null=True, blank=True
    )

    visibility = models.CharField(
        _("profile visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    field_visibility = models.JSONField(_("visibility per field"), default=field_visibility_default)
    allow_open_messages = models.BooleanField(_("messages from anyone"), default=False)
    read_receipts = models.BooleanField(_("read receipts"), default=False)
    show_in_going_lists = models.BooleanField(_("shown in who's going"), default=False)
    # Set by moderation ("hide content", suspension, ban).
    hidden_by_moderation = models.BooleanField(_("hidden by moderation"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dancer profile")
        verbose_name_plural = _("dancer profiles")

    def __str__(self) -> str:
        return self.display_name


class DanceSkill(models.Model):
    """One dance style of a profile: the role(s) danced and the level."""

    profile = models.ForeignKey(
        DancerProfile, on_delete=models.CASCADE, related_name="skills", verbose_name=_("profile")
    )
    style = models.CharField(_("dance style"), max_length=20, choices=DANCE_STYLES)
    role = models.PositiveSmallIntegerField(_("role"), choices=DanceRole.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVELS)

    class Meta:
        verbose_name = _("dance skill")
        verbose_name_plural = _("dance skills")
        constraints = [
            models.UniqueConstraint(fields=["profile", "style"], name="community_skill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.style} {self.get_role_display()} {self.level}"


class PartnerSearchEntry(models.Model):
    """What partner search may match on: one row per searchable profile and style.

    Rebuilt by ``profile_search_index_refresh`` whenever a profile changes. Only
    profiles visible to members, with visible styles, of active members, appear;
    fields the member hides are stored empty, so a filter can never reveal them.
    """

    profile = models.ForeignKey(
        DancerProfile, on_delete=models.CASCADE, related_name="+", verbose_name=_("profile")
    )
    user_id = models.BigIntegerField(_("member ID"))
    style = models.CharField(_("dance style"), max_length=20)
    role = models.PositiveSmallIntegerField(_("role"))
    level = models.PositiveSmallIntegerField(_("level"))
    latitude = models.FloatField(_("latitude"), null=True)
    longitude = models.FloatField(_("longitude"), null=True)
    goals = models.IntegerField(_("goals"), default=0)
    availability = models.IntegerField(_("availability"), default=0)
    languages = ArrayField(
        models.CharField(max_length=8), default=list, verbose_name=_("languages")
    )

    class Meta:
        verbose_name = _("partner search entry")
        verbose_name_plural = _("partner search entries")
        indexes = [
            # Covering: the search reads only this index (index-only scan) once
            # autovacuum has marked the pages all-visible.
            models.Index(
                fields=["style", "role", "level"],
                include=[
                    "id",
                    "user_id",
                    "profile_id",
                    "latitude",
                    "longitude",
                    "goals",
                    "availability",
                    "languages",
                ],
                name="community_search_cover",
            ),
            models.Index(fields=["user_id"], name="community_search_user"),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}:{self.style}"
