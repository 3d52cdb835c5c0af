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

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the plan list.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Offered to communities."))
    price_minor = models.PositiveIntegerField(_("price"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    interval = models.CharField(
        _("billing interval"), max_length=8, choices=Interval.choices, default=Interval.MONTH
    )
    trial_days = models.PositiveSmallIntegerField(_("trial days"), default=0)
    # The Stripe Price a paid plan is billed by (created in the platform account).
    stripe_price_id = models.CharField(_("Stripe price ID"), max_length=64, blank=True)

    max_members = models.PositiveIntegerField(_("maximum members"), null=True, blank=True)
    max_events_per_month = models.PositiveIntegerField(
        _("maximum events per month"), null=True, blank=True
    )
    max_staff_seats = models.PositiveIntegerField(_("maximum staff seats"), null=True, blank=True)
    max_custom_domains = models.PositiveIntegerField(
        _("maximum custom domains"), null=True, blank=True
    )
    max_storage_mb = models.PositiveIntegerField(_("maximum storage (MB)"), null=True, blank=True)
    application_fee_permille = models.PositiveSmallIntegerField(
        _("platform fee (‰)"),
        default=0,
        help_text=_("Platform fee on ticket sales, in tenths of a percent."),
    )
    feature_partner_finder = models.BooleanField(_("partner finder"), default=False)
    feature_api_access = models.BooleanField(_("API access"), default=False)

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
        Community,
        on_delete=models.CASCADE,
        related_name="subscription",
        verbose_name=_("community"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    stripe_customer_id = models.CharField(
        _("Stripe customer ID"), max_length=64, blank=True, db_index=True
    )
    stripe_subscription_id = models.CharField(
        _("Stripe subscription ID"), max_length=64, blank=True, db_index=True
    )
    trial_ends_at = models.DateTimeField(_("trial ends at"), null=True, blank=True)
    current_period_end = models.DateTimeField(_("current period ends at"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("cancel at period end"), default=False)
    # Dunning: when the first failed payment arrived, and how many reminders went out.
    past_due_since = models.DateTimeField(_("overdue since"), null=True, blank=True, db_index=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.community} on {self.plan}"


class PlatformInvoice(models.Model):
    """A Stripe invoice of a community's subscription, as the webhooks told it."""

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="invoices",
        verbose_name=_("subscription"),
    )
    stripe_invoice_id = models.CharField(_("Stripe invoice ID"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=16)
    amount_due_minor = models.IntegerField(_("amount due"), default=0)
    amount_paid_minor = models.IntegerField(_("amount paid"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    hosted_invoice_url = models.URLField(_("invoice page"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("platform invoice")
        verbose_name_plural = _("platform invoices")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.stripe_invoice_id


class PlatformStripeEvent(models.Model):
    """An event the platform endpoint received: stored raw, processed once.

    ``account`` is the connected account a Connect event is about (routed to
    that community's order processing); ``community`` is who it was routed to;
    ``result`` says what processing did (``unroutable`` when nobody matched)."""

    event_id = models.CharField(_("Stripe event ID"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    account = models.CharField(_("connected account"), max_length=64, blank=True)
    payload = models.TextField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("community")
    )
    result = models.CharField(_("result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("platform Stripe event")
        verbose_name_plural = _("platform Stripe events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.event_id


class ConnectedAccount(models.Model):
    """A community's Stripe Connect account: the public index Connect events
    are routed by (``event.account`` → community), and its onboarding status."""

    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        related_name="connected_account",
        verbose_name=_("community"),
    )
    account_id = models.CharField(_("Stripe account ID"), max_length=64, unique=True)
    charges_enabled = models.BooleanField(_("charges enabled"), default=False)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    requirements_due = models.JSONField(_("requirements due"), default=list, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")

    def __str__(self) -> str:
        return self.account_id
