"""What a community sells: products, their price tiers and questions, and the
quotas they draw on.

Capacity lives in :class:`Quota` rows only. Checkout (issue 5) reserves with one
conditional ``UPDATE`` per quota in pk order (``services.quotas_reserve``); the
per-role counters sit on the same row so the role-balance decision is taken
under the same row lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleMode(models.TextChoices):
    OFF = "off", _("No roles")
    LEAD_FOLLOW = "lead_follow", _("Leaders and followers")
    LEAD_FOLLOW_SWITCH = "lead_follow_switch", _("Leaders, followers and switches")


class BalancePolicy(models.TextChoices):
    DIFFERENCE = "difference", _("Maximum difference")
    RATIO = "ratio", _("Maximum ratio")


class Quota(models.Model):
    """A capacity that one or more products draw on, with optional role balancing."""

    name = models.CharField(_("name"), max_length=200)
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quotas",
        help_text=_("The event whose capacity this is, if any."),
        verbose_name=_("event"),
    )
    size = models.PositiveIntegerField(_("size"))
    sold = models.PositiveIntegerField(_("sold"), default=0)
    sold_lead = models.PositiveIntegerField(_("sold to leaders"), default=0)
    sold_follow = models.PositiveIntegerField(_("sold to followers"), default=0)

    role_mode = models.CharField(
        _("roles"), max_length=24, choices=RoleMode.choices, default=RoleMode.OFF
    )
    balance_policy = models.CharField(
        _("balance policy"),
        max_length=16,
        choices=BalancePolicy.choices,
        default=BalancePolicy.DIFFERENCE,
    )
    max_difference = models.PositiveIntegerField(_("maximum difference"), default=2)
    max_ratio = models.DecimalField(
        _("maximum ratio"), max_digits=5, decimal_places=2, default=Decimal("1.20")
    )
    grace = models.PositiveIntegerField(
        _("grace registrations"),
        default=0,
        help_text=_("Registrations admitted before the policy applies."),
    )
    couples_together = models.BooleanField(
        _("couples together"),
        default=True,
        help_text=_("Couples are admitted together, whatever the balance."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sold__lte=models.F("size")), name="ticketing_quota_sold_lte_size"
            ),
            models.CheckConstraint(
                condition=models.Q(sold_lead__lte=models.F("sold"))
                & models.Q(sold_follow__lte=models.F("sold")),
                name="ticketing_quota_role_counts_lte_sold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sold}/{self.size})"

    @property
    def available(self) -> int:
        return self.size - self.sold


class Product(models.Model):
    """Something sold: a ticket, a pass, a class pack, a membership or an add-on."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("Ticket")
        PASS = "pass", _("Pass")
        CLASS_PACK = "class_pack", _("Class pack")
        MEMBERSHIP = "membership", _("Membership")
        ADDON = "addon", _("Add-on")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.TICKET)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="products",
        help_text=_("The event this is sold on (a course: the whole series)."),
        verbose_name=_("event"),
    )
    covers_events = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="covering_products",
        verbose_name=_("covers events"),
    )
    covers_dates = models.ManyToManyField(
        "events.EventDate",
        blank=True,
        related_name="covering_products",
        verbose_name=_("covers dates"),
    )
    quotas = models.ManyToManyField(
        Quota, blank=True, related_name="products", verbose_name=_("quotas")
    )

    price_minor = models.IntegerField(_("price"), help_text=_("Price in minor units (cents)."))
    currency = models.CharField(_("currency"), max_length=3)
    tax_rate = models.DecimalField(
        _("tax rate"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent, included in the price."),
    )
    sale_starts_at = models.DateTimeField(_("sale starts at"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("sale ends at"), null=True, blank=True)
    min_per_order = models.PositiveIntegerField(_("minimum per order"), default=1)
    max_per_order = models.PositiveIntegerField(_("maximum per order"), default=10)
    allow_transfer = models.BooleanField(
        _("transferable"),
        default=True,
        help_text=_("Buyers may hand a ticket on to another person."),
    )
    # Buyer self-cancellation: allowed until this many days before the start
    # (empty: buyers can't cancel themselves), refunding this share minus a fee.
    cancel_days_before = models.PositiveIntegerField(
        _("cancellation deadline (days before)"),
        null=True,
        blank=True,
        help_text=_("Buyers may cancel until this many days before the start (empty: never)."),
    )
    cancel_refund_percent = models.PositiveSmallIntegerField(
        _("refund on cancellation (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the price refunded on self-cancellation."),
    )
    cancel_fee_minor = models.PositiveIntegerField(
        _("cancellation fee"),
        default=0,
        help_text=_("Kept per ticket on self-cancellation (minor units)."),
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    unlock_code = models.CharField(_("unlock code"), max_length=64, blank=True)
    # Class pack: N check-ins valid for D days; membership: one period.
    checkins = models.PositiveIntegerField(_("check-ins"), null=True, blank=True)
    valid_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, blank=True)
    # Products sold so far (checkout increments it); first-N price tiers read it.
    sold_count = models.PositiveIntegerField(_("sold"), default=0)
    position = models.PositiveIntegerField(_("position"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="ticketing_product_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(max_per_order__gte=models.F("min_per_order")),
                name="ticketing_product_max_gte_min",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceTier(models.Model):
    """An earlier price: valid until ``ends_at`` and/or for the first ``first_n`` sold.

    The current price is the first tier (by position) still valid; else the
    product's own price.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("product")
    )
    name = models.CharField(_("name"), max_length=100)
    price_minor = models.IntegerField(_("price"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    first_n = models.PositiveIntegerField(_("for the first N tickets"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="ticketing_pricetier_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=False) | models.Q(first_n__isnull=False),
                name="ticketing_pricetier_has_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AttendeeQuestion(models.Model):
    """A question every attendee of a product answers at checkout."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        CHECKBOX = "checkbox", _("Checkbox")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="questions", verbose_name=_("product")
    )
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attendee question")
        verbose_name_plural = _("attendee questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SaleQueue(models.Model):
    """An event's on-sale queue: while enabled, buying its products takes a
    pass from the line (``core_apps.ticketing.salequeue``), handed out at
    ``rate_per_minute`` from ``opens_at`` on, each valid ``window_minutes``.

    ``version`` grows with every change, so a copy of these settings kept in
    Redis is never overwritten by an older one; ``generation`` grows each time
    the queue is turned on, which starts a new, empty line.
    """

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="sale_queue", verbose_name=_("event")
    )
    is_enabled = models.BooleanField(_("enabled"), default=False)
    rate_per_minute = models.PositiveIntegerField(
        _("visitors per minute"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("How many visitors from the line may go to checkout per minute."),
    )
    window_minutes = models.PositiveIntegerField(
        _("checkout window (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Minutes an admitted visitor has to check out."),
    )
    opens_at = models.DateTimeField(
        _("opens at"),
        null=True,
        blank=True,
        help_text=_("When the line starts admitting visitors (empty: at once)."),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    generation = models.PositiveIntegerField(_("generation"), default=0)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("on-sale queue")
        verbose_name_plural = _("on-sale queues")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_per_minute__gte=1), name="ticketing_salequeue_rate_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(window_minutes__gte=1),
                name="ticketing_salequeue_window_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.rate_per_minute}/min"
