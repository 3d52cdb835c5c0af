"""Background work on platform billing (public schema): thin tasks."""

from __future__ import annotations

from pista.celery import app


@app.task
def platform_event_process_task(*, event_pk: int) -> str:
    """Queue ``webhooks``: apply one stored platform Stripe event, once."""
    from billing.services.webhooks import platform_event_process

    return platform_event_process(event_pk=event_pk)


@app.task
def dunning_reminder_send_task(*, subscription_id: int, stage: str) -> bool:
    from billing.services.subscriptions import dunning_reminder_send

    return dunning_reminder_send(subscription_id=subscription_id, stage=stage)


@app.task
def dunning_run_task() -> int:
    """The beat: past-due subscriptions go read-only, then suspended."""
    from billing.services.subscriptions import dunning_run

    return len(dunning_run())


@app.task
def trial_expiry_run_task() -> int:
    """The beat: trials without Stripe that ended fall back to the free plan."""
    from billing.services.subscriptions import trial_expiry_run

    return len(trial_expiry_run())
