"""Events and their dates.

Venues and teachers are *minimal references* here: the venues and artists
issues own those models and will extend these fields (``venue_id``,
``space_id``, ``teacher_ids`` hold their future primary keys; the ``*_name``
fields are what is shown until then). No foreign keys cross into those apps,
so both can land in any order.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DEFAULT_DANCE_STYLES = [
    ("salsa", _("Salsa")),
    ("bachata", _("Bachata")),
    ("kizomba", _("Kizomba")),
    ("tango", _("Tango")),
    ("west-coast-swing", _("West Coast Swing")),
    ("lindy-hop", _("Lindy Hop")),
    ("zouk", _("Zouk")),
    ("ballroom", _("Ballroom")),
]
DEFAULT_LEVELS = [
    ("open", _("Open level")),
    ("beginner", _("Beginner")),
    ("improver", _("Improver")),
    ("intermediate", _("Intermediate")),
    ("advanced", _("Advanced")),
]


class DanceStyle(models.Model):
    """A dance style; every community starts with the defaults and may add its own."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dance style")
        verbose_name_plural = _("dance styles")

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    """A level (open, beginner … advanced, or the community's own)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A class, course, workshop, social, festival or competition.

    Its dates come from ``starts_at``/``ends_at`` (the first occurrence) and an
    optional RFC 5545 ``recurrence`` rule expanded in ``time_zone``.
    """

    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        COURSE = "course", _("Course")
        WORKSHOP = "workshop", _("Workshop")
        SOCIAL = "social", _("Social")
        FESTIVAL = "festival", _("Festival")
        COMPETITION = "competition", _("Competition")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        UNLISTED = "unlisted", _("Unlisted")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitised HTML."))
    # The description in the community's further languages: {"de": "<p>…</p>"}
    # (sanitised HTML; ``description`` is the default language's).
    description_translations = models.JSONField(
        _("description translations"), default=dict, blank=True
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )
    styles = models.ManyToManyField(
        DanceStyle, blank=True, related_name="events", verbose_name=_("dance styles")
    )
    level = models.ForeignKey(
        Level,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("level"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.CLASS)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Minimal references, extended by the venues and artists issues.
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    venue_id = models.BigIntegerField(_("venue ID"), null=True, blank=True)
    space_name = models.CharField(_("space name"), max_length=200, blank=True)
    space_id = models.BigIntegerField(_("space ID"), null=True, blank=True)
    teacher_names = models.CharField(_("teachers"), max_length=300, blank=True)
    teacher_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("teacher IDs")
    )

    time_zone = models.CharField(_("time zone"), max_length=64)
    starts_at = models.DateTimeField(_("starts at"), help_text=_("Start of the first occurrence."))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("End of the first occurrence."))
    recurrence = models.TextField(
        _("recurrence"),
        blank=True,
        help_text=_("RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=8. Empty: one date."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["status", "visibility"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/events/{self.slug}/"

    @property
    def description_localized(self) -> str:
        """The description in the active language, else the default one."""
        translations = self.description_translations or {}
        return str(translations.get(get_language() or "", "") or self.description)


class EventDate(models.Model):
    """One occurrence of an event.

    ``original_start`` is the occurrence the rule produced (its RECURRENCE-ID);
    a moved date keeps it, so regenerating the series never loses the move.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="dates", verbose_name=_("event")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    original_start = models.DateTimeField(_("original start"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    moved = models.BooleanField(_("moved"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event date")
        verbose_name_plural = _("event dates")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="events_eventdate_unique_occurrence"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_eventdate_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.event.title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED
