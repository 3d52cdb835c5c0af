"""The outbox relay and its sweep."""

from __future__ import annotations

from typing import Any

from pista.celery import app
from pista.outbox.services import outbox_deliver, outbox_prune, outbox_sweep


@app.task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=6,
    default_retry_delay=10,
)
def outbox_deliver_task(self: Any, *, message_id: int) -> str:
    """Deliver one outbox message of the schema the task was queued from. A
    message another process still holds (a worker that died mid-effect and
    whose database session has not ended yet) is tried again shortly; the
    sweep covers the rest."""
    outcome = outbox_deliver(message_id=message_id)
    if outcome == "busy" and self.request.retries < self.max_retries:
        raise self.retry()
    return outcome


@app.task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Beat: deliver the due messages of the schema the task runs in (public, or
    a community's through ``community_fanout_task``), and forget old done ones."""
    delivered = outbox_sweep()
    outbox_prune()
    return delivered
