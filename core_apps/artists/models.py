"""Artists (teachers, DJs, performers), their availability and their bookings."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core_apps.bookings.models import BookingEntry
from core_apps.bookings.photos import PhotoCheckedAdminForm
from core_apps.bookings.ranges import booking_constraints, ends_after_start_constraint


def calendar_token_new() -> str:
    return secrets.token_urlsafe(24)


class DanceRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    FOLLOW = "follow", _("Follow")
    BOTH = "both", _("Both")


class ArtistProfile(models.Model):
    """A teacher, DJ or performer of this community.

    ``user`` is set when the artist has an account (teacher role) and manages the
    profile; staff may create a profile without one and invite the artist later.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="artist_profile",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    photo = models.ImageField(_("photo"), upload_to="artists/photos/", blank=True)
    bio = models.TextField(_("bio"), blank=True, help_text=_("HTML; sanitised on save."))
    styles = models.JSONField(_("styles"), default=list, blank=True)
    dance_role = models.CharField(
        _("roles taught"), max_length=8, choices=DanceRole.choices, default=DanceRole.BOTH
    )
    levels = models.JSONField(_("levels"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    home_city = models.CharField(_("home city"), max_length=120, blank=True)
    travel_preferences = models.TextField(_("travel preferences"), blank=True)
    fee_currency = models.CharField(_("fee currency"), max_length=3, default="EUR")
    fee_class_minor = models.PositiveIntegerField(_("fee per class"), null=True, blank=True)
    fee_workshop_minor = models.PositiveIntegerField(_("fee per workshop"), null=True, blank=True)
    fee_weekend_minor = models.PositiveIntegerField(_("fee per weekend"), null=True, blank=True)
    video_url = models.URLField(_("video"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    technical_rider = models.TextField(_("technical rider"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    invited_email = models.EmailField(_("invited email"), blank=True)
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=calendar_token_new
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    base_form_class = PhotoCheckedAdminForm

    class Meta:
        ordering = ["name"]
        verbose_name = _("artist profile")
        verbose_name_plural = _("artist profiles")

    def __str__(self) -> str:
        return self.name


class ArtistBlock(models.Model):
    """A period the artist is not available (holiday, other commitments)."""

    artist = models.ForeignKey(
        ArtistProfile, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("artist")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailable period")
        verbose_name_plural = _("unavailable periods")
        ordering = ["starts_at"]
        constraints = [
            ends_after_start_constraint(name="artists_block_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.artist} blocked {self.starts_at:%Y-%m-%d}"


class ArtistBooking(models.Model):
    """An organizer's booking of an artist, from request to confirmed gig.

    State machine (see ``services``): requested → countered ⇄ requested … →
    confirmed; requested/countered → declined or withdrawn; confirmed → cancelled.
    ``offer_by`` says whose terms are on the table; only the other side may
    accept them.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        COUNTERED = "countered", _("Counter-offer")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    class Side(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        ARTIST = "artist", _("Artist")

    class DepositStatus(models.TextChoices):
        NONE = "none", _("No deposit")
        DUE = "due", _("Due")
        PAID = "paid", _("Paid")

    artist = models.ForeignKey(
        ArtistProfile, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("artist")
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="artist_bookings",
        verbose_name=_("organizer"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    offer_by = models.CharField(
        _("offer by"), max_length=12, choices=Side.choices, default=Side.ORGANIZER
    )
    title = models.CharField(_("event or occasion"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    wanted = models.TextField(_("what is wanted"), blank=True)
    fee_minor = models.PositiveIntegerField(_("fee"))
    currency = models.CharField(_("currency"), max_length=3)
    travel_terms = models.TextField(_("travel terms"), blank=True)
    accommodation_terms = models.TextField(_("accommodation terms"), blank=True)
    deposit_minor = models.PositiveIntegerField(_("deposit"), default=0)
    deposit_status = models.CharField(
        _("deposit status"), max_length=8, choices=DepositStatus.choices, default=DepositStatus.NONE
    )
    deposit_provider = models.CharField(_("deposit payment method"), max_length=16, blank=True)
    deposit_reference = models.CharField(_("deposit payment reference"), max_length=120, blank=True)
    # The event this booking is for, once core_apps.events exists: a plain id so
    # this app does not depend on that one's migrations (see docs in services).
    event_id = models.BigIntegerField(_("event ID"), null=True, blank=True)
    contract_terms = models.JSONField(_("contract terms"), default=dict, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("artist booking")
        verbose_name_plural = _("artist bookings")
        ordering = ["-starts_at"]
        # No double booking by construction: two confirmed gigs of one artist
        # cannot overlap in time, whatever the application does.
        constraints = booking_constraints(prefix="artists_booking", owner="artist_id")

    def __str__(self) -> str:
        return f"{self.artist} — {self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.REQUESTED, self.Status.COUNTERED}


class ArtistBookingEntry(BookingEntry):
    """Audit log of a booking: who did what, with which terms. Also the in-app inbox."""

    booking = models.ForeignKey(
        ArtistBooking, on_delete=models.CASCADE, related_name="entries", verbose_name=_("booking")
    )

    class Meta(BookingEntry.Meta):
        verbose_name = _("artist booking log entry")
        verbose_name_plural = _("artist booking log")


class TeachersIndexPage(Page):
    """CMS page listing the community's public artist profiles."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "artists/teachers_index_page.html"

    class Meta:
        verbose_name = _("teachers index page")
        verbose_name_plural = _("teachers index pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from core_apps.artists.selectors import artist_list

        context = super().get_context(request, *args, **kwargs)
        context["artists"] = artist_list()
        return context
