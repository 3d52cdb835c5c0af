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

    code = models.CharField(_("code"), max_length=16, unique=True)
    secret = models.CharField(
        _("secret"), max_length=64, help_text=_("Key of the buyer's magic link.")
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("event"),
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.PENDING
    )
    provider = models.CharField(_("payment method"), max_length=16, choices=Provider.choices)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal_minor = models.IntegerField(_("subtotal"), default=0)
    discount_minor = models.IntegerField(_("discount"), default=0)
    total_minor = models.IntegerField(_("total"), default=0)
    tax_minor = models.IntegerField(_("tax"), default=0)
    refunded_minor = models.IntegerField(_("refunded"), default=0)
    promo_code = models.ForeignKey(
        "orders.PromoCode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("promo code"),
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    payment_intent_id = models.CharField(_("Stripe payment intent"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # A card payment's chargeback, from Stripe: open, won, lost, warning_closed.
    dispute_status = models.CharField(_("dispute status"), max_length=16, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
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

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="positions", verbose_name=_("order")
    )
    product = models.ForeignKey(
        "ticketing.Product",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("product"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VALID
    )
    attendee_name = models.CharField(_("attendee name"), max_length=200)
    attendee_email = models.EmailField(_("attendee email"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    role = models.CharField(_("role"), max_length=8, blank=True, help_text=_("Role asked for."))
    role_admitted = models.CharField(
        _("admitted role"), max_length=8, blank=True, help_text=_("lead / follow")
    )
    partner = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("partner"),
    )
    # Quotas it took a place in (the product's quotas may change later).
    quota_ids = models.JSONField(_("quotas taken"), default=list)
    price_minor = models.IntegerField(_("price"))
    tax_rate = models.DecimalField(
        _("tax rate"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    tax_minor = models.IntegerField(_("tax"), default=0)
    tier = models.CharField(_("price tier"), max_length=100, blank=True)
    secret = models.CharField(
        _("secret"), max_length=64, unique=True, help_text=_("What its QR code holds.")
    )
    event_date = models.ForeignKey(
        "events.EventDate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The date chosen, for a ticket to one date of a recurring event."),
        verbose_name=_("event date"),
    )
    checkins_left = models.PositiveIntegerField(_("check-ins left"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # A partner's ticket, once the partner claimed it with the emailed link.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The account that claimed this ticket."),
        verbose_name=_("holder"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order.code}-{self.pk}"


class OrderLog(models.Model):
    """Audit log: every change to an order."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="log", verbose_name=_("order")
    )
    action = models.CharField(_("action"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("done by"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("order log entry")
        verbose_name_plural = _("order log")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.action}"


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("discount type"), max_length=8, choices=Kind.choices)
    value = models.PositiveIntegerField(
        _("value"), help_text=_("Percent, or minor units off per ticket.")
    )
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True)
    used = models.PositiveIntegerField(_("times used"), default=0)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    products = models.ManyToManyField(
        "ticketing.Product",
        blank=True,
        help_text=_("Empty: every product."),
        verbose_name=_("products"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
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
        "ticketing.Product",
        on_delete=models.CASCADE,
        related_name="waitlist",
        verbose_name=_("product"),
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=8, blank=True)
    partner_name = models.CharField(_("partner's name"), max_length=200, blank=True)
    partner_email = models.EmailField(_("partner's email"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("order")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
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

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order")
    )
    amount_minor = models.PositiveIntegerField(_("amount"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    provider = models.CharField(_("payment method"), max_length=16)
    provider_refund_id = models.CharField(_("provider's refund ID"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("done by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
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
        "events.Event",
        on_delete=models.CASCADE,
        related_name="checkin_lists",
        verbose_name=_("event"),
    )
    name = models.CharField(_("name"), max_length=200)
    event_date = models.ForeignKey(
        "events.EventDate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checkin_lists",
        help_text=_("Only this date (empty: every date of the event)."),
        verbose_name=_("event date"),
    )
    products = models.ManyToManyField(
        "ticketing.Product",
        blank=True,
        related_name="checkin_lists",
        help_text=_("Only these products (empty: every product valid for the event)."),
        verbose_name=_("products"),
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in list")
        verbose_name_plural = _("check-in lists")
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

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("ticket")
    )
    checkin_list = models.ForeignKey(
        CheckinList,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("check-in list"),
    )
    # The date it counts for: its ``original_start`` (stable when the date moves).
    occurrence = models.DateTimeField(_("event date"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("scanned by"),
    )
    created = models.DateTimeField(_("when"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
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

    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")

    def __str__(self) -> str:
        return str(self.last)


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    total_minor = models.IntegerField(_("total"))
    tax_minor = models.IntegerField(_("tax"))
    currency = models.CharField(_("currency"), max_length=3)
    lines = models.JSONField(_("lines"), default=list)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["number"]

    def __str__(self) -> str:
        return str(self.number)


class PaymentSettings(models.Model):
    """The community's payment set-up (one row). The billing issue replaces the
    hand-entered account id with Stripe Connect onboarding."""

    stripe_account_id = models.CharField(_("Stripe account ID"), max_length=64, blank=True)
    # Printed on invoices.
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    legal_address = models.TextField(_("legal address"), blank=True)
    vat_id = models.CharField(_("VAT ID"), max_length=32, blank=True)
    # Shown to bank-transfer buyers (order page, reminder email, invoice).
    bank_account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    iban = models.CharField(
        _("IBAN"), max_length=34, blank=True, help_text=_("Stored compact, validated.")
    )
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=200, blank=True)
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay"),
        default=3,
        help_text=_("Days a bank-transfer order waits for its payment."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days"),
        default=1,
        help_text=_("Days before that deadline the buyer is reminded."),
    )
    bank_transfer_enabled = models.BooleanField(_("accept bank transfers"), default=True)
    card_enabled = models.BooleanField(_("accept cards"), default=True)

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self) -> str:
        return self.stripe_account_id or "—"


class StripeEvent(models.Model):
    """A Stripe webhook event as received (raw), processed once per event id."""

    event_id = models.CharField(_("Stripe event ID"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payload = models.TextField(_("payload"))
    received = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return self.event_id
