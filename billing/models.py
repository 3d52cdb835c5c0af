"""The platform's plans, the communities' subscriptions to them, the Stripe
events the platform endpoint received, and the index of connected accounts.

All in the public schema (``billing`` is a shared app only). Amounts are
integer minor units with an ISO currency.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Community


class Plan(models.Model):
    """A price and its limits. ``None`` in a limit means unlimited."""

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order in the plan list."))
    active = models.BooleanField(default=True, help_text=_("Offered to communities."))
    price_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="EUR")
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTH)
    trial_days = models.PositiveSmallIntegerField(default=0)
    # The Stripe Price a paid plan is billed by (created in the platform account).
    stripe_price_id = models.CharField(max_length=64, blank=True)

    max_members = models.PositiveIntegerField(null=True, blank=True)
    max_events_per_month = models.PositiveIntegerField(null=True, blank=True)
    max_staff_seats = models.PositiveIntegerField(null=True, blank=True)
    max_custom_domains = models.PositiveIntegerField(null=True, blank=True)
    max_storage_mb = models.PositiveIntegerField(null=True, blank=True)
    application_fee_permille = models.PositiveSmallIntegerField(
        default=0, help_text=_("Platform fee on ticket sales, in tenths of a percent.")
    )
    feature_partner_finder = models.BooleanField(default=False)
    feature_api_access = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "price_minor"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.price_minor == 0

    def limit(self, name: str) -> int | None:
        """The plan's limit called ``name`` (see ``pista.billing_hooks.LIMITS``)."""
        value: int | None = getattr(self, f"max_{name}")
        return value

    def has_feature(self, name: str) -> bool:
        return bool(getattr(self, f"feature_{name}"))


class Subscription(models.Model):
    """A community's plan and where its payment stands (Stripe's states, plus
    the platform's dunning steps ``read_only`` and ``suspended``)."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        READ_ONLY = "read_only", _("Read-only (payment overdue)")
        SUSPENDED = "suspended", _("Suspended (payment overdue)")
        CANCELED = "canceled", _("Canceled")

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    stripe_customer_id = models.CharField(max_length=64, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=64, blank=True, db_index=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # Dunning: when the first failed payment arrived, and how many reminders went out.
    past_due_since = models.DateTimeField(null=True, blank=True, db_index=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.community} on {self.plan}"


class PlatformInvoice(models.Model):
    """A Stripe invoice of a community's subscription, as the webhooks told it."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="invoices"
    )
    stripe_invoice_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16)
    amount_due_minor = models.IntegerField(default=0)
    amount_paid_minor = models.IntegerField(default=0)
    currency = models.CharField(max_length=3)
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.stripe_invoice_id


class PlatformStripeEvent(models.Model):
    """An event the platform endpoint received: stored raw, processed once.

    ``account`` is the connected account a Connect event is about (routed to
    that community's order processing); ``community`` is who it was routed to;
    ``result`` says what processing did (``unroutable`` when nobody matched)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True)
    payload = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.SET_NULL)
    result = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.event_id


class ConnectedAccount(models.Model):
    """A community's Stripe Connect account: the public index Connect events
    are routed by (``event.account`` → community), and its onboarding status."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="connected_account"
    )
    account_id = models.CharField(max_length=64, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.account_id
