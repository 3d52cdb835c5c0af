"""The platform's only door to Stripe (billing): webhook verification for the
platform and Connect endpoints, subscriptions (Checkout, or a card saved with a
SetupIntent on the plan page), Connect accounts.

``STRIPE_API_BASE`` points tests at localstripe, which has customers,
SetupIntents, PaymentMethods, Plans and subscriptions but neither Checkout
Sessions, Prices, nor Connect accounts or account links: those calls are kept
here, behind this boundary, and the flows they start are tested through the
webhooks Stripe sends back (signed payloads). The card path uses only what
both answer alike (see docs/payments.md, "Paying by card on the plan page").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from pista.errors import ApplicationError

if TYPE_CHECKING:
    from stripe.params import SubscriptionCreateParams
    from stripe.params.checkout import SessionCreateParams


class StripeUnavailable(ApplicationError):
    default_code = "stripe_unavailable"
    status_code = 503


class StripeNotConfigured(ApplicationError):
    """The platform runs without Stripe keys: nothing can be paid or paid out."""

    default_code = "stripe_not_configured"
    status_code = 409


class CardDeclined(ApplicationError):
    """The card was refused when saved or charged: nothing was subscribed."""

    default_code = "card_declined"
    status_code = 402


class WebhookInvalid(ApplicationError):
    default_code = "webhook_invalid"
    status_code = 400


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_API_KEY:
        raise StripeNotConfigured(
            _("Card payments and payouts aren't set up on this platform yet: ask its operators.")
        )
    base = settings.STRIPE_API_BASE or stripe.DEFAULT_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_API_KEY, base_addresses={"api": base}, max_network_retries=2
    )


def _dict(resource: Any) -> dict[str, Any]:
    return resource.to_dict() if hasattr(resource, "to_dict") else dict(resource)


def webhook_secrets() -> list[str]:
    """The platform endpoint's secret first, then the Connect endpoint's (Stripe
    signs connected accounts' events with the Connect endpoint's own secret)."""
    platform = settings.STRIPE_PLATFORM_WEBHOOK_SECRET or settings.STRIPE_WEBHOOK_SECRET
    return [secret for secret in (platform, settings.STRIPE_CONNECT_WEBHOOK_SECRET) if secret]


def webhook_event_construct(*, payload: bytes, signature: str) -> dict[str, Any]:
    """The verified event. Raises WebhookInvalid (unsigned, tampered, stale)."""
    secrets = webhook_secrets()
    if not secrets or not signature:
        raise WebhookInvalid("Missing or unconfigured signature.")
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
            )
        except stripe.SignatureVerificationError:
            continue
        except ValueError as exc:
            raise WebhookInvalid("Invalid payload.") from exc
        return _dict(event)
    raise WebhookInvalid("Invalid signature.")


def checkout_session_create(
    *,
    price_id: str,
    trial_days: int,
    customer_id: str,
    customer_email: str,
    success_url: str,
    cancel_url: str,
    community_schema: str,
    idempotency_key: str,
) -> str:
    """A hosted Checkout page for a subscription; returns its URL."""
    params: SessionCreateParams = {
        "mode": "subscription",
        "line_items": [{"price": price_id, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": community_schema,
        "metadata": {"community": community_schema},
        "subscription_data": {"metadata": {"community": community_schema}},
    }
    if trial_days:
        params["subscription_data"]["trial_period_days"] = trial_days
    if customer_id:
        params["customer"] = customer_id
    else:
        params["customer_email"] = customer_email
    try:
        session = _client().v1.checkout.sessions.create(
            params=params,
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("The payment page could not be opened: try again.")) from exc
    return str(_dict(session).get("url") or "")


def customer_create(*, email: str, name: str, community_schema: str, idempotency_key: str) -> str:
    """The community's Stripe customer (its subscription is billed to it)."""
    try:
        customer = _client().v1.customers.create(
            params={"email": email, "name": name, "metadata": {"community": community_schema}},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("Stripe could not be reached: try again.")) from exc
    return str(_dict(customer)["id"])


def setup_intent_create(*, customer_id: str, community_schema: str, plan_slug: str) -> str:
    """A SetupIntent the browser confirms with the card (Stripe.js, 3-D Secure
    included); returns its client secret. Nothing is charged."""
    try:
        intent = _client().v1.setup_intents.create(
            params={
                "customer": customer_id,
                "usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": {"community": community_schema, "plan": plan_slug},
            }
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("Stripe could not be reached: try again.")) from exc
    return str(_dict(intent)["client_secret"])


def setup_intent_retrieve(setup_intent_id: str) -> dict[str, Any] | None:
    """The SetupIntent, or None when Stripe knows no such id."""
    try:
        return _dict(_client().v1.setup_intents.retrieve(setup_intent_id))
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("Stripe could not be reached: try again.")) from exc


def card_subscription_create(
    *,
    customer_id: str,
    payment_method_id: str,
    plan_id: str,
    trial_days: int,
    community_schema: str,
    idempotency_key: str,
) -> dict[str, Any]:
    """Make the confirmed card the customer's default and subscribe it to
    ``plan_id`` (a Plan id, or a Price id: Stripe takes either as ``plan``).

    The first invoice is paid now or the subscription is not created
    (``error_if_incomplete``): a decline raises CardDeclined and leaves
    nothing to cancel (one left ``incomplete`` is canceled, its invoice
    voided). Never a second charge: the idempotency key makes a
    repeated submit of the same confirmed card return the same subscription,
    and a live subscription the customer already has (created by an attempt
    whose answer was lost) is returned instead of a new one."""
    try:
        client = _client()
        listed = _dict(client.v1.subscriptions.list(params={"customer": customer_id}))
        for existing in listed.get("data") or []:
            if existing.get("status") in ("active", "trialing", "past_due"):
                return dict(existing)
        method = _dict(client.v1.payment_methods.retrieve(payment_method_id))
        if not method.get("customer"):
            # Real Stripe attached it when the SetupIntent was confirmed.
            client.v1.payment_methods.attach(payment_method_id, params={"customer": customer_id})
        client.v1.customers.update(
            customer_id, params={"invoice_settings": {"default_payment_method": payment_method_id}}
        )
        params: SubscriptionCreateParams = {
            "customer": customer_id,
            "items": [{"plan": plan_id}],
            "payment_behavior": "error_if_incomplete",
            "metadata": {"community": community_schema},
        }
        if trial_days:
            params["trial_period_days"] = trial_days
        subscription = _dict(
            client.v1.subscriptions.create(
                params=params,
                options={"idempotency_key": idempotency_key},
            )
        )
        if subscription.get("status") == "incomplete":
            # The first invoice is unpaid (localstripe answers so instead of a
            # 402): cancel it, which voids the invoice; nothing is charged.
            client.v1.subscriptions.cancel(str(subscription["id"]))
            raise CardDeclined(_("Your card was declined: nothing was charged. Try another card."))
    except stripe.CardError as exc:
        raise CardDeclined(
            _("Your card was declined: nothing was charged. Try another card.")
        ) from exc
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("Stripe could not be reached: try again.")) from exc
    return subscription


def subscription_price_change(*, subscription_id: str, price_id: str) -> dict[str, Any]:
    """Move a Stripe subscription to another price (prorated). The price goes
    as ``plan``, like ``card_subscription_create``: Stripe takes a Price id
    there too, and localstripe (the tests' Stripe) knows only ``plan``."""
    try:
        client = _client()
        current = _dict(client.v1.subscriptions.retrieve(subscription_id))
        item_id = current["items"]["data"][0]["id"]
        updated = client.v1.subscriptions.update(
            subscription_id,
            params={"items": [{"id": item_id, "plan": price_id}]},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("The plan could not be changed at Stripe: try again.")) from exc
    return _dict(updated)


def subscription_trial_end_set(*, subscription_id: str, trial_end: int) -> dict[str, Any]:
    """Move a trialing subscription's end (no proration: nothing is billed)."""
    try:
        updated = _client().v1.subscriptions.update(
            subscription_id, params={"trial_end": trial_end, "proration_behavior": "none"}
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("The trial could not be extended at Stripe: try again.")) from exc
    return _dict(updated)


def subscription_cancel_at_period_end(*, subscription_id: str) -> dict[str, Any]:
    try:
        updated = _client().v1.subscriptions.update(
            subscription_id, params={"cancel_at_period_end": True}
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("The subscription could not be canceled: try again.")) from exc
    return _dict(updated)


def connect_account_create(*, email: str, country: str, idempotency_key: str) -> dict[str, Any]:
    """A connected (Express) account for a community's payouts."""
    try:
        account = _client().v1.accounts.create(
            params={
                "type": "express",
                "email": email,
                "country": country,
                "capabilities": {
                    "card_payments": {"requested": True},
                    "transfers": {"requested": True},
                },
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("The payout account could not be created: try again.")) from exc
    return _dict(account)


def connect_account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """The hosted onboarding page's URL (single use, short-lived)."""
    try:
        link = _client().v1.account_links.create(
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(_("Stripe's onboarding could not be opened: try again.")) from exc
    return str(_dict(link)["url"])
