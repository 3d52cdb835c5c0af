"""Small helpers shared by the order services: the audit log on the order,
order codes, VAT, configured durations."""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings

from core_apps.orders.models import (
    Order,
    OrderLog,
)

if TYPE_CHECKING:
    from core_apps.accounts.models import User


HOLD_MINUTES_DEFAULT = 15


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hold_minutes() -> int:
    """How long a pending card order holds its places (``PISTA_HOLD_MINUTES``)."""
    return int(getattr(settings, "PISTA_HOLD_MINUTES", HOLD_MINUTES_DEFAULT))


def manual_payment_days() -> int:
    """How long a manual (bank transfer) order waits for its payment: the
    community's payment settings, else ``PISTA_MANUAL_PAYMENT_DAYS``."""
    from core_apps.orders.models import PaymentSettings

    row = PaymentSettings.objects.order_by("pk").first()
    if row is not None:
        return int(row.payment_days)
    return int(getattr(settings, "PISTA_MANUAL_PAYMENT_DAYS", 3))


def payment_reminder_days() -> int:
    """How many days before a bank-transfer order's deadline its buyer is reminded."""
    from core_apps.orders.models import PaymentSettings

    row = PaymentSettings.objects.order_by("pk").first()
    return int(row.reminder_days) if row is not None else 1


def order_log(*, order: Order, action: str, actor: User | None = None, **data: Any) -> OrderLog:
    """Record one change of an order in its audit log."""
    return OrderLog.objects.create(order=order, action=action, actor=actor, data=data)


def order_code_new() -> str:
    """A new random order code (10 characters, no look-alike letters)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def tax_included(price_minor: int, rate: Decimal) -> int:
    """VAT contained in a gross price, rounded once."""
    if not rate:
        return 0
    tax = Decimal(price_minor) * rate / (Decimal(100) + rate)
    return int(tax.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payment_providers_enabled() -> set[str]:
    """The payment methods this community takes (its payment settings)."""
    from core_apps.orders.models import PaymentSettings

    row = PaymentSettings.objects.order_by("pk").first()
    enabled = set(Order.Provider.values)
    if row is not None and not row.bank_transfer_enabled:
        enabled.discard(Order.Provider.MANUAL)
    if row is not None and not row.card_enabled:
        enabled.discard(Order.Provider.STRIPE)
    return enabled


def stripe_account_current() -> str:
    """The community's connected Stripe account; empty when card payments
    aren't set up (no key on the platform or no account in the community)."""
    from core_apps.orders.models import PaymentSettings

    if not settings.STRIPE_API_KEY:
        return ""
    row = PaymentSettings.objects.first()
    return row.stripe_account_id if row else ""
