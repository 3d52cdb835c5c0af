"""The outbox relay and its sweep."""

from __future__ import annotations

from pista.celery import app


@app.task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def outbox_deliver_task(*, message_id: int) -> str:
    """Deliver one outbox message of the schema the task was queued from."""
    from pista.outbox.services import outbox_deliver

    return outbox_deliver(message_id=message_id)


@app.task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Beat: deliver the due messages of the schema the task runs in (public, or
    a community's through ``community_fanout_task``)."""
    from pista.outbox.services import outbox_sweep

    return outbox_sweep()
