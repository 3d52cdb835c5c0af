"""The only module that talks to Stripe.

PaymentIntents are created on the community's connected account with the
platform's application fee and an idempotency key derived from the order, so a
retried request never charges twice. Webhook payloads are verified with the
endpoint secret (signature and timestamp tolerance) before anything reads them.
``STRIPE_API_BASE`` points tests at localstripe on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from pista.billing_hooks import application_fee_permille
from pista.errors import ApplicationError

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCreateParams


class PaymentUnavailable(ApplicationError):
    default_code = "payment_unavailable"
    status_code = 503


class WebhookInvalid(ApplicationError):
    default_code = "webhook_invalid"
    status_code = 400


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    client_secret: str
    amount: int
    currency: str
    metadata: dict[str, str]


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_API_KEY:
        raise PaymentUnavailable(_("Card payments aren't configured."))
    base = settings.STRIPE_API_BASE or stripe.DEFAULT_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_API_KEY,
        base_addresses={"api": base},
        max_network_retries=2,
    )


def _intent(resource: Any) -> Intent:
    obj = resource.to_dict() if hasattr(resource, "to_dict") else dict(resource)
    return Intent(
        id=obj["id"],
        status=obj["status"],
        client_secret=obj.get("client_secret") or "",
        amount=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
        metadata=dict(obj.get("metadata") or {}),
    )


def application_fee_minor(*, amount_minor: int) -> int:
    """The platform's fee on a payment, rounded half up to a minor unit: the
    community's plan's fee, else ``PISTA_STRIPE_APPLICATION_FEE_PERMILLE``."""
    plan_fee = application_fee_permille()
    percent = settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE if plan_fee is None else plan_fee
    return (amount_minor * percent + 500) // 1000


def payment_intent_create(
    *,
    amount_minor: int,
    currency: str,
    account_id: str,
    idempotency_key: str,
    metadata: dict[str, str],
) -> Intent:
    """Create (or, for a repeated key, return) the PaymentIntent of an order."""
    params: PaymentIntentCreateParams = {
        "amount": amount_minor,
        "currency": currency.lower(),
        "metadata": metadata,
    }
    fee = application_fee_minor(amount_minor=amount_minor)
    if fee:
        params["application_fee_amount"] = fee
    try:
        obj = _client().v1.payment_intents.create(
            params=params,
            options={"idempotency_key": idempotency_key, "stripe_account": account_id},
        )
    except stripe.StripeError as exc:
        reason = exc.user_message or _("try again")
        raise PaymentUnavailable(
            _("The card payment could not be started: %(reason)s.") % {"reason": reason}
        ) from exc
    return _intent(obj)


def payment_intent_retrieve(*, intent_id: str, account_id: str) -> Intent:
    try:
        obj = _client().v1.payment_intents.retrieve(
            intent_id, options={"stripe_account": account_id}
        )
    except stripe.StripeError as exc:
        raise PaymentUnavailable(_("The card payment could not be checked: try again.")) from exc
    return _intent(obj)


def webhook_event_construct(*, payload: bytes, signature: str) -> dict[str, Any]:
    """The verified event. Raises WebhookInvalid (unsigned, tampered, stale)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise WebhookInvalid("Missing or unconfigured signature.")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise WebhookInvalid("Invalid signature or payload.") from exc
    return event.to_dict()


class RefundFailed(ApplicationError):
    default_code = "refund_failed"
    status_code = 502


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount: int


def refund_create(
    *,
    intent_id: str,
    amount_minor: int,
    account_id: str,
    idempotency_key: str,
    metadata: dict[str, str],
) -> RefundResult:
    """Refund ``amount_minor`` of a PaymentIntent (its latest charge) on the
    connected account; a repeated key returns the same refund. Raises
    RefundFailed with Stripe's message."""
    try:
        obj = _client().v1.refunds.create(
            params={
                "payment_intent": intent_id,
                "amount": amount_minor,
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key, "stripe_account": account_id},
        )
    except stripe.StripeError as exc:
        reason = exc.user_message or _("try again later")
        raise RefundFailed(
            _("The card refund failed: %(reason)s.") % {"reason": reason},
            extra={"stripe_code": exc.code or ""},
        ) from exc
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    if data.get("status") == "failed":
        raise RefundFailed(_("The card refund failed."), extra={"refund": data.get("id", "")})
    return RefundResult(id=str(data["id"]), status=str(data["status"]), amount=int(data["amount"]))
