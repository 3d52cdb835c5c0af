"""Writes about on-sale queues: the organizer's settings, and their copy in
Redis that the line runs on."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core_apps.privacy.services import audit_record
from core_apps.ticketing.models import SaleQueue
from core_apps.ticketing.salequeue.line import (
    LineUnavailable,
    line_available,
    line_configure,
    line_sold_out_set,
)
from core_apps.ticketing.salequeue.selectors import (
    event_ids_for_products,
    event_sold_out,
    queued_event_ids,
    sale_queue_line_settings,
)
from core_apps.ticketing.tasks import sale_queue_sync_task
from pista.errors import PermissionDenied
from pista.tasks import task_enqueue_on_commit
from pista.tenancy import current_schema

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.events.models import Event

logger = logging.getLogger(__name__)

RATE_MAX = 100_000
WINDOW_MAX_MINUTES = 120


def _settings_validate(*, is_enabled: bool, rate_per_minute: int, window_minutes: int) -> None:
    errors: dict[str, list[str]] = {}
    if not 1 <= rate_per_minute <= RATE_MAX:
        errors["rate_per_minute"] = [
            gettext("Admit between 1 and %(most)d visitors per minute.") % {"most": RATE_MAX}
        ]
    if not 1 <= window_minutes <= WINDOW_MAX_MINUTES:
        errors["window_minutes"] = [
            gettext("Give admitted visitors between 1 and %(most)d minutes.")
            % {"most": WINDOW_MAX_MINUTES}
        ]
    if is_enabled and not line_available():
        errors["is_enabled"] = [
            gettext("The queue needs Redis, which is not reachable now: try again later.")
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sale_queue_update(
    *,
    actor: User | None,
    event: Event,
    is_enabled: bool,
    rate_per_minute: int,
    window_minutes: int,
    opens_at: datetime | None = None,
) -> SaleQueue:
    """Set an event's on-sale queue. Turning it on starts a new, empty line;
    while on, buying the event's products takes a pass from the line. The line
    in Redis follows once this commits (retried through the outbox until it
    does). Raises ValidationError (per field; turning it on without Redis
    included), PermissionDenied."""
    if actor is not None and not actor.has_perm("ticketing.change_salequeue"):
        raise PermissionDenied(gettext("You may not change this event's queue."))
    _settings_validate(
        is_enabled=is_enabled, rate_per_minute=rate_per_minute, window_minutes=window_minutes
    )
    queue, _ = SaleQueue.objects.select_for_update().get_or_create(event=event)
    if is_enabled and not queue.is_enabled:
        queue.generation += 1
    queue.is_enabled = is_enabled
    queue.rate_per_minute = rate_per_minute
    queue.window_minutes = window_minutes
    queue.opens_at = opens_at
    queue.version += 1
    queue.save()
    audit_record(
        "salequeue.update",
        actor=actor,
        target=queue,
        data={
            "event": event.pk,
            "enabled": is_enabled,
            "rate_per_minute": rate_per_minute,
            "window_minutes": window_minutes,
            "opens_at": opens_at.isoformat() if opens_at else None,
        },
    )
    _sync_after_commit(event_id=event.pk)
    return queue


def _sync_after_commit(*, event_id: int) -> None:
    """Write the settings to Redis right after the commit, and durably through
    the outbox (a Redis outage then only delays it)."""

    def now() -> None:
        try:
            sale_queue_sync(event_id=event_id)
        except LineUnavailable:
            logger.warning("sale queue %s: Redis unavailable; the outbox retries", event_id)

    transaction.on_commit(now)
    task_enqueue_on_commit(sale_queue_sync_task, event_id=event_id)


def sale_queue_sync(*, event_id: int) -> str | None:
    """Write an event's queue settings from the database to Redis (never
    older over newer). Returns the line's epoch, None when the event has no
    queue. Raises LineUnavailable."""
    queue = SaleQueue.objects.filter(event_id=event_id).first()
    if queue is None:
        return None
    return line_configure(
        schema=current_schema(), event_id=event_id, line=sale_queue_line_settings(queue)
    )


def sale_queue_sold_out_note(*, event_id: int) -> None:
    """A checkout just found a product of ``event_id`` sold out: when the event
    sells through its queue and nothing of it is left, its waiting visitors are
    told so (until places come back). A Redis outage only costs the notice."""
    if not settings.REDIS_URL:
        return  # no line without Redis
    try:
        if event_id in queued_event_ids() and event_sold_out(event_id=event_id):
            line_sold_out_set(schema=current_schema(), event_ids=[event_id], sold_out=True)
    except LineUnavailable:
        logger.warning("sale queue %s: Redis unavailable; sold out not told", event_id)


def sale_queue_places_back(*, product_ids: Iterable[int]) -> None:
    """Places of ``product_ids`` came back, or the products or their quotas
    changed: the waiting lines of their events are no longer told sold out
    (the next refusal tells them again if it still is)."""
    if not settings.REDIS_URL:
        return
    try:
        queued = queued_event_ids()
        events = event_ids_for_products(product_ids=product_ids) & queued if queued else set()
        line_sold_out_set(schema=current_schema(), event_ids=events, sold_out=False)
    except LineUnavailable:
        logger.warning("sale queues: Redis unavailable; a sold-out notice may linger")
