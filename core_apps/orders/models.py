"""Orders, their tickets (positions), audit log, promo codes, waitlist, check-ins
and invoices.

A pending order *is* the cart hold: its positions have taken their places in
the quotas (``ticketing.services.quotas_reserve``) until ``expires_at``. Paying
confirms it; expiry or cancellation gives the places back. Waitlisted
registrations never become positions: they are :class:`WaitlistEntry` rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    class Provider(models.TextChoices):
        FREE = "free", _("Free")
        MANUAL = "manual", _("Bank transfer or pay at the door")
        SIMULATED = "simulated", _("Simulated card (development)")
        STRIPE = "stripe", _("Card (Stripe)")

    code = models.CharField(max_length=16, unique=True)
    secret = models.CharField(max_length=64, help_text=_("Key of the buyer's magic link."))
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField()
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    currency = models.CharField(max_length=3)
    subtotal_minor = models.IntegerField(default=0)
    discount_minor = models.IntegerField(default=0)
    total_minor = models.IntegerField(default=0)
    tax_minor = models.IntegerField(default=0)
    refunded_minor = models.IntegerField(default=0)
    promo_code = models.ForeignKey(
        "orders.PromoCode", null=True, blank=True, on_delete=models.PROTECT
    )
    language = models.CharField(max_length=8, blank=True)
    payment_reference = models.CharField(max_length=64, blank=True)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # A card payment's chargeback, from Stripe: open, won, lost, warning_closed.
    dispute_status = models.CharField(max_length=16, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_minor__gte=0), name="orders_total_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_minor__lte=models.F("total_minor")),
                name="orders_refunded_lte_total",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Position(models.Model):
    """One attendee's ticket in an order."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="positions")
    product = models.ForeignKey(
        "ticketing.Product", on_delete=models.PROTECT, related_name="positions"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALID)
    attendee_name = models.CharField(max_length=200)
    attendee_email = models.EmailField()
    answers = models.JSONField(default=dict, blank=True)
    role = models.CharField(max_length=8, blank=True, help_text=_("Role asked for."))
    role_admitted = models.CharField(max_length=8, blank=True, help_text=_("lead / follow"))
    partner = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Quotas it took a place in (the product's quotas may change later).
    quota_ids = models.JSONField(default=list)
    price_minor = models.IntegerField()
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    tax_minor = models.IntegerField(default=0)
    tier = models.CharField(max_length=100, blank=True)
    secret = models.CharField(max_length=64, unique=True, help_text=_("What its QR code holds."))
    event_date = models.ForeignKey(
        "events.EventDate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The date chosen, for a ticket to one date of a recurring event."),
    )
    checkins_left = models.PositiveIntegerField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # A partner's ticket, once the partner claimed it with the emailed link.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The account that claimed this ticket."),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order.code}-{self.pk}"


class OrderLog(models.Model):
    """Audit log: every change to an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.action}"


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.PositiveIntegerField(help_text=_("Percent, or minor units off per ticket."))
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    used = models.PositiveIntegerField(default=0)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    products = models.ManyToManyField(
        "ticketing.Product", blank=True, help_text=_("Empty: every product.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True)
                | models.Q(used__lte=models.F("max_uses")),
                name="orders_promo_used_lte_max",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a place")
        CLAIMED = "claimed", _("Claimed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the list")

    product = models.ForeignKey(
        "ticketing.Product", on_delete=models.CASCADE, related_name="waitlist"
    )
    email = models.EmailField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=8, blank=True)
    partner_name = models.CharField(max_length=200, blank=True)
    partner_email = models.EmailField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    secret = models.CharField(max_length=64, unique=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["product", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class Refund(models.Model):
    """Money given back on an order: reserved on the order first (so two
    refunds can't exceed what was paid), then sent to the original payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=64, blank=True)
    provider = models.CharField(max_length=16)
    provider_refund_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount_minor} ({self.status})"


class CheckinList(models.Model):
    """Where tickets are scanned (pretix's model): one event, optionally one of
    its dates and some of its products. A ticket is admitted once per list — a
    list for the whole event admits it once per date of the event (the date
    nearest the scan), so a festival pass enters each day and a class pack
    spends one entry per class date."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="checkin_lists"
    )
    name = models.CharField(max_length=200)
    event_date = models.ForeignKey(
        "events.EventDate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checkin_lists",
        help_text=_("Only this date (empty: every date of the event)."),
    )
    products = models.ManyToManyField(
        "ticketing.Product",
        blank=True,
        related_name="checkin_lists",
        help_text=_("Only these products (empty: every product valid for the event)."),
    )
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(is_default=True),
                name="orders_checkinlist_one_default_per_event",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """One admission of a ticket on a list, for one date of the event (the
    list's date, or the date nearest the scan). Undone admissions stay, marked."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="checkins")
    checkin_list = models.ForeignKey(
        CheckinList, null=True, blank=True, on_delete=models.PROTECT, related_name="checkins"
    )
    # The date it counts for: its ``original_start`` (stable when the date moves).
    occurrence = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            # Once per list and date, whatever races past the row lock.
            models.UniqueConstraint(
                fields=["position", "checkin_list", "occurrence"],
                condition=models.Q(undone_at__isnull=True, checkin_list__isnull=False),
                nulls_distinct=False,
                name="orders_checkin_once_per_list_and_date",
            ),
        ]
        indexes = [models.Index(fields=["checkin_list", "undone_at"])]

    def __str__(self) -> str:
        return f"{self.position_id} at {self.created}"


class InvoiceSequence(models.Model):
    """The community's last invoice number (one row, locked by its UPDATE)."""

    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last)


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    total_minor = models.IntegerField()
    tax_minor = models.IntegerField()
    currency = models.CharField(max_length=3)
    lines = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return str(self.number)


class PaymentSettings(models.Model):
    """The community's payment set-up (one row). The billing issue replaces the
    hand-entered account id with Stripe Connect onboarding."""

    stripe_account_id = models.CharField(max_length=64, blank=True)
    # Printed on invoices.
    legal_name = models.CharField(max_length=200, blank=True)
    legal_address = models.TextField(blank=True)
    vat_id = models.CharField(max_length=32, blank=True)
    # Shown to bank-transfer buyers (order page, reminder email, invoice).
    bank_account_holder = models.CharField(max_length=200, blank=True)
    iban = models.CharField(max_length=34, blank=True, help_text=_("Stored compact, validated."))
    bic = models.CharField(max_length=11, blank=True)
    bank_name = models.CharField(max_length=200, blank=True)
    payment_days = models.PositiveSmallIntegerField(
        default=3, help_text=_("Days a bank-transfer order waits for its payment.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=1, help_text=_("Days before that deadline the buyer is reminded.")
    )
    bank_transfer_enabled = models.BooleanField(default=True)
    card_enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.stripe_account_id or "—"


class StripeEvent(models.Model):
    """A Stripe webhook event as received (raw), processed once per event id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.TextField()
    received = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.event_id
