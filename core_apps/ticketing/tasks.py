"""Background work of the catalogue: thin tasks that call a service."""

from __future__ import annotations

from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def sale_queue_sync_task(*, event_id: int) -> None:
    """Copy an event's queue settings to Redis (raises while Redis is out of
    reach, so the outbox tries again)."""
    from core_apps.ticketing.salequeue.services import sale_queue_sync

    sale_queue_sync(event_id=event_id)
