"""The platform's one Stripe endpoint: platform and Connect events.

``platform_event_receive`` verifies the signature (the platform secret, or
the Connect secret for connected accounts' events), stores the event raw once
and records its processing in the outbox in the same transaction.
``platform_event_process`` applies it under a row lock, once:

- an event with ``account`` (a connected account's) is routed by the public
  index ``ConnectedAccount`` to its community and handed to the community's
  own payment-event processing in that schema (the handler ``orders``
  registers in ``pista.billing_hooks``); ``account.updated`` refreshes the
  Connect status;
- platform events (``checkout.session.completed``, ``customer.subscription.*``,
  ``invoice.paid``, ``invoice.payment_failed``) update the subscription.

An event nobody matches (unknown account or customer) is kept with the result
``unroutable`` and logged; Stripe gets a 200 so that it stops retrying.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import stripe_gateway
from billing.models import PlatformStripeEvent
from billing.selectors import community_for_account
from billing.services import subscriptions
from billing.services.connect import connect_account_status_update
from pista.billing_hooks import connected_event_handlers
from pista.outbox.services import outbox_redrive
from pista.tasks import task_enqueue_on_commit

logger = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
}


def _dedupe_key(event_id: str) -> str:
    return f"platform-stripe-event:{event_id}"


def platform_event_receive(*, payload: bytes, signature: str) -> tuple[str, bool]:
    """Verify and store one event; its processing is queued in the same
    transaction. Returns (event id, whether it was new). Raises WebhookInvalid."""
    from billing.tasks import platform_event_process_task

    event = stripe_gateway.webhook_event_construct(payload=payload, signature=signature)
    event_id = str(event.get("id") or "")
    if not event_id:
        raise stripe_gateway.WebhookInvalid("An event without an id.")
    with transaction.atomic():
        row, created = PlatformStripeEvent.objects.get_or_create(
            event_id=event_id,
            defaults={
                "type": str(event.get("type", ""))[:100],
                "account": str(event.get("account") or "")[:64],
                "payload": payload.decode("utf-8"),
            },
        )
        if created:
            task_enqueue_on_commit(
                platform_event_process_task, dedupe_key=_dedupe_key(event_id), event_pk=row.pk
            )
    if not created and row.processed_at is None:
        outbox_redrive(dedupe_key=_dedupe_key(event_id))
    return event_id, created


def _connected(row: PlatformStripeEvent, event: dict[str, Any], payload: bytes) -> str:
    community = community_for_account(account_id=row.account)
    if community is None:
        logger.warning("stripe event %s for unknown account %s", row.event_id, row.account)
        return "unroutable"
    row.community = community
    obj = (event.get("data") or {}).get("object") or {}
    if row.type == "account.updated":
        connect_account_status_update(account=obj, event_id=row.event_id)
        return "account updated"
    with schema_context(community.schema_name):
        for handler in connected_event_handlers():
            handler(event=event, payload=payload)
    # The community's schema holds it now: a charge may name a buyer, and the
    # public schema keeps no member data.
    row.payload = "{}"
    return "routed"


def _platform(row: PlatformStripeEvent, event: dict[str, Any]) -> str:
    obj = (event.get("data") or {}).get("object") or {}
    handled = row.type in SUBSCRIPTION_EVENTS or row.type in (
        "checkout.session.completed",
        "invoice.paid",
        "invoice.payment_failed",
    )
    if not handled:
        return "ignored"
    subscription = subscriptions.subscription_for_stripe(obj)
    if subscription is None:
        logger.warning("stripe event %s (%s) matches no subscription", row.event_id, row.type)
        return "unroutable"
    row.community = subscription.community
    if row.type == "checkout.session.completed":
        return subscriptions.checkout_completed(subscription, obj, event_id=row.event_id)
    if row.type in SUBSCRIPTION_EVENTS:
        return subscriptions.stripe_subscription_sync(
            subscription,
            obj,
            event_id=row.event_id,
            deleted=row.type == "customer.subscription.deleted",
        )
    if row.type == "invoice.paid":
        return subscriptions.invoice_paid(subscription, obj, event_id=row.event_id)
    return subscriptions.invoice_payment_failed(subscription, obj, event_id=row.event_id)


def platform_event_process(*, event_pk: int) -> str:
    """Apply one stored event, once (row lock + ``processed_at``)."""
    with transaction.atomic():
        row = PlatformStripeEvent.objects.select_for_update().filter(pk=event_pk).first()
        if row is None or row.processed_at is not None:
            return "skipped"
        event = json.loads(row.payload)
        if row.account:
            result = _connected(row, event, row.payload.encode("utf-8"))
        else:
            result = _platform(row, event)
        row.processed_at = timezone.now()
        row.result = result
        row.save(update_fields=["processed_at", "result", "community", "payload"])
    return result
