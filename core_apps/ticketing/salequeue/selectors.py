"""Reads about on-sale queues: an event's settings, and which events sell
through their queue now (from Redis, rebuilt from the database when Redis
lost the list)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from core_apps.ticketing.models import Product, SaleQueue
from core_apps.ticketing.salequeue.line import (
    LineSettings,
    line_configure,
    queued_events,
    queued_events_mark_whole,
)
from pista.tenancy import current_schema


def sale_queue_for_event(*, event_id: int) -> SaleQueue | None:
    """The event's queue settings, None when it never had a queue."""
    return SaleQueue.objects.filter(event_id=event_id).first()


def sale_queue_line_settings(queue: SaleQueue) -> LineSettings:
    """What the line in Redis needs of ``queue``'s settings."""
    return LineSettings(
        version=queue.version,
        generation=queue.generation,
        enabled=queue.is_enabled,
        rate_per_minute=queue.rate_per_minute,
        window_s=queue.window_minutes * 60,
        opens_at=queue.opens_at.timestamp() if queue.opens_at else 0.0,
    )


def queued_event_ids() -> set[int]:
    """The current community's events whose queue is on: one Redis read; when
    Redis lost the list, every queue is written to it again from the database
    first. Raises LineUnavailable."""
    schema = current_schema()
    ids = queued_events(schema=schema)
    if ids is None:
        for queue in SaleQueue.objects.all():
            line_configure(
                schema=schema, event_id=queue.event_id, line=sale_queue_line_settings(queue)
            )
        queued_events_mark_whole(schema=schema)
        ids = queued_events(schema=schema) or set()
    return ids


def queued_event_ids_from_database(*, event_ids: Iterable[int]) -> set[int]:
    """Those of ``event_ids`` whose queue is on, read from the database (when
    Redis is out of reach)."""
    return set(
        SaleQueue.objects.filter(event_id__in=set(event_ids), is_enabled=True).values_list(
            "event_id", flat=True
        )
    )


def event_ids_for_products(*, product_ids: Iterable[int]) -> set[int]:
    """The events the given products are sold on (products of no event left out)."""
    return {
        event_id
        for event_id in Product.objects.filter(pk__in=set(product_ids)).values_list(
            "event_id", flat=True
        )
        if event_id is not None
    }


def event_sold_out(*, event_id: int) -> bool:
    """Whether the event has products still selling (published, their sale not
    ended) and every one of them has a quota with no place left. Two queries."""
    products = Product.objects.filter(
        Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=timezone.now()),
        event_id=event_id,
        status=Product.Status.PUBLISHED,
    ).prefetch_related("quotas")
    selling = list(products)
    return bool(selling) and all(
        any(quota.available <= 0 for quota in product.quotas.all()) for product in selling
    )
