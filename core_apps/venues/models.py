"""Venues, their spaces, opening hours, prices, bookings and invoices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core_apps.bookings.models import BookingEntry
from core_apps.bookings.photos import PhotoCheckedAdminForm
from core_apps.bookings.ranges import booking_constraints


class Venue(models.Model):
    """A place with one or more bookable spaces, run by its managers."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    house_rules = models.TextField(_("house rules"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_venues"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval on a weekday, in the venue's local time (0 = Monday).

    A venue without any opening hours is treated as always open.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(
        choices=[(i, d) for i, d in enumerate(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])]
    )
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
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

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="blackout_dates")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
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

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="spaces")
    name = models.CharField(_("name"), max_length=120)
    size_m2 = models.PositiveIntegerField(_("size (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    floor_type = models.CharField(max_length=16, choices=FloorType.choices, default="other")
    mirrors = models.BooleanField(default=False)
    sound_system = models.BooleanField(default=False)
    air_conditioning = models.BooleanField(default=False)
    step_free_access = models.BooleanField(default=False)
    photo = models.ImageField(upload_to="venues/spaces/", blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    hourly_rate_minor = models.PositiveIntegerField(_("hourly rate"), default=0)
    peak_hourly_rate_minor = models.PositiveIntegerField(null=True, blank=True)
    peak_starts = models.TimeField(null=True, blank=True)
    peak_ends = models.TimeField(null=True, blank=True)
    peak_weekdays = models.JSONField(default=list, blank=True, help_text=_("0 = Monday"))
    minimum_minutes = models.PositiveIntegerField(default=60)
    setup_minutes = models.PositiveIntegerField(default=0)
    teardown_minutes = models.PositiveIntegerField(default=0)
    auto_approve = models.BooleanField(default=False)

    base_form_class = PhotoCheckedAdminForm

    class Meta:
        ordering = ["venue", "name"]

    def __str__(self) -> str:
        return f"{self.venue} - {self.name}"


class SpaceBookingSeries(models.Model):
    """A recurring request (RFC 5545 rule in the venue's local time)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="series")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    rrule = models.CharField(max_length=500)
    first_starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.rrule})"


class SpaceBooking(models.Model):
    """One occurrence of a space booking; only confirmed ones block the space."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="bookings")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="space_bookings"
    )
    series = models.ForeignKey(
        SpaceBookingSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # starts/ends widened by the space's setup and teardown buffers at request time.
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    price_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    # The event date this booking hosts, once core_apps.events exists (plain id,
    # no migration dependency on that app).
    event_id = models.BigIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
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

    booking = models.ForeignKey(SpaceBooking, on_delete=models.CASCADE, related_name="entries")


class VenueInvoice(models.Model):
    """The invoice for a confirmed space booking; numbers are sequential per community."""

    number = models.PositiveIntegerField(unique=True)
    booking = models.OneToOneField(SpaceBooking, on_delete=models.PROTECT, related_name="invoice")
    venue_name = models.CharField(max_length=120)
    bill_to = models.CharField(max_length=254)
    description = models.CharField(max_length=300)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Invoice {self.number}"
