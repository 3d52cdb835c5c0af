"""Webhook work: thin tasks that load by id and call a service."""

from __future__ import annotations

from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def webhook_deliver_task(*, delivery_id: int) -> None:
    """Queue ``webhooks``: the first attempt of one delivery."""
    from core_apps.integrations.webhooks import webhook_delivery_attempt

    webhook_delivery_attempt(delivery_id=delivery_id)


@app.task(base=CommunityTask)
def webhook_deliveries_due_task() -> None:
    """Beat: retries whose time has come."""
    from core_apps.integrations.webhooks import webhook_deliveries_due

    webhook_deliveries_due()


@app.task(base=CommunityTask)
def webhook_deliveries_prune_task() -> None:
    """Beat, daily: finished deliveries past the delivery log's period."""
    from core_apps.integrations.webhooks import webhook_deliveries_prune

    webhook_deliveries_prune()


@app.task(base=CommunityTask)
def webhook_disabled_mail_send_task(*, subscription_id: int) -> None:
    from core_apps.integrations.webhooks import webhook_disabled_mail_send

    webhook_disabled_mail_send(subscription_id=subscription_id)


webhook_disabled_mail_task = webhook_disabled_mail_send_task
