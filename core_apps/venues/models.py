"""Venues, their spaces, opening hours, prices, bookings and invoices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core_apps.bookings.models import BookingEntry
from core_apps.bookings.photos import PhotoCheckedAdminForm
from core_apps.bookings.ranges import booking_constraints


class Weekday(models.IntegerChoices):
    """Days of the week as Python counts them (0 = Monday)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Venue(models.Model):
    """A place with one or more bookable spaces, run by its managers."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    house_rules = models.TextField(_("house rules"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_venues",
        verbose_name=_("managers"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval on a weekday, in the venue's local time (0 = Monday).

    A venue without any opening hours is treated as always open.
    """

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("venue")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="venues_opening_hours_close_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="venues_opening_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class BlackoutDate(models.Model):
    """A local date on which the venue takes no bookings."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="blackout_dates", verbose_name=_("venue")
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [
            models.UniqueConstraint(fields=["venue", "date"], name="venues_blackout_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.venue}: {self.date}"


class FloorType(models.TextChoices):
    SPRUNG_WOOD = "sprung_wood", _("Sprung wood")
    MARLEY = "marley", _("Marley")
    PARQUET = "parquet", _("Parquet")
    LAMINATE = "laminate", _("Laminate")
    CONCRETE = "concrete", _("Concrete")
    TILES = "tiles", _("Tiles")
    OTHER = "other", _("Other")


class Space(models.Model):
    """A bookable room or floor of a venue, with its facilities and prices.

    Prices are per hour in minor units; minutes inside the peak window (local
    time, on the peak weekdays) are charged at the peak rate. Setup and teardown
    buffers extend the time the space is blocked, not the time charged.
    """

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("venue")
    )
    name = models.CharField(_("name"), max_length=120)
    size_m2 = models.PositiveIntegerField(_("size (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    floor_type = models.CharField(
        _("floor type"), max_length=16, choices=FloorType.choices, default="other"
    )
    mirrors = models.BooleanField(_("mirrors"), default=False)
    sound_system = models.BooleanField(_("sound system"), default=False)
    air_conditioning = models.BooleanField(_("air conditioning"), default=False)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    photo = models.ImageField(_("photo"), upload_to="venues/spaces/", blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    hourly_rate_minor = models.PositiveIntegerField(_("hourly rate"), default=0)
    peak_hourly_rate_minor = models.PositiveIntegerField(
        _("peak hourly rate"), null=True, blank=True
    )
    peak_starts = models.TimeField(_("peak from"), null=True, blank=True)
    peak_ends = models.TimeField(_("peak until"), null=True, blank=True)
    peak_weekdays = models.JSONField(
        _("peak days"), default=list, blank=True, help_text=_("0 = Monday")
    )
    minimum_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=60)
    setup_minutes = models.PositiveIntegerField(_("setup time (minutes)"), default=0)
    teardown_minutes = models.PositiveIntegerField(_("teardown time (minutes)"), default=0)
    auto_approve = models.BooleanField(_("confirm requests automatically"), default=False)
    # Deactivated rather than deleted once it has bookings: an inactive space is
    # off the public pages and takes no new requests; its bookings stay.
    is_active = models.BooleanField(
        pgettext_lazy("space", "active"),
        default=True,
        help_text=_("Inactive spaces are hidden and take no new requests; their bookings stay."),
    )

    base_form_class = PhotoCheckedAdminForm

    class Meta:
        ordering = ["venue", "name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")

    def __str__(self) -> str:
        return f"{self.venue} - {self.name}"


class SpaceBookingSeries(models.Model):
    """A recurring request (RFC 5545 rule in the venue's local time)."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="series", verbose_name=_("space")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requester"),
    )
    title = models.CharField(_("title"), max_length=200)
    rrule = models.CharField(_("recurrence rule"), max_length=500)
    first_starts_at = models.DateTimeField(_("first date starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurring space booking")
        verbose_name_plural = _("recurring space bookings")

    def __str__(self) -> str:
        return f"{self.title} ({self.rrule})"


class SpaceBooking(models.Model):
    """One occurrence of a space booking; only confirmed ones block the space."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("space")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="space_bookings",
        verbose_name=_("requester"),
    )
    series = models.ForeignKey(
        SpaceBookingSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("series"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # starts/ends widened by the space's setup and teardown buffers at request time.
    blocked_from = models.DateTimeField(_("blocked from"))
    blocked_until = models.DateTimeField(_("blocked until"))
    price_minor = models.PositiveIntegerField(_("price"))
    currency = models.CharField(_("currency"), max_length=3)
    # The event date this booking hosts, once core_apps.events exists (plain id,
    # no migration dependency on that app).
    event_id = models.BigIntegerField(_("event date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("space booking")
        verbose_name_plural = _("space bookings")
        constraints = [
            # No double booking by construction (buffers included).
            *booking_constraints(
                prefix="venues_booking",
                owner="space_id",
                blocked_from="blocked_from",
                blocked_until="blocked_until",
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_from__lte=models.F("starts_at"))
                & models.Q(blocked_until__gte=models.F("ends_at")),
                name="venues_booking_buffers_contain_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space}: {self.title} {self.starts_at:%Y-%m-%d %H:%M}"


class SpaceBookingEntry(BookingEntry):
    """Audit log of a space booking; also the in-app inbox of the other side."""

    booking = models.ForeignKey(
        SpaceBooking, on_delete=models.CASCADE, related_name="entries", verbose_name=_("booking")
    )

    class Meta(BookingEntry.Meta):
        verbose_name = _("space booking entry")
        verbose_name_plural = _("space booking entries")


class VenueInvoice(models.Model):
    """The invoice for a confirmed space booking; numbers are sequential per community."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    booking = models.OneToOneField(
        SpaceBooking, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("booking")
    )
    venue_name = models.CharField(_("venue name"), max_length=120)
    bill_to = models.CharField(_("bill to"), max_length=254)
    description = models.CharField(_("description"), max_length=300)
    amount_minor = models.PositiveIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("venue invoice")
        verbose_name_plural = _("venue invoices")

    def __str__(self) -> str:
        return f"Invoice {self.number}"
