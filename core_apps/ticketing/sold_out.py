"""A short-lived "sold out" flag per product, so refusals at an on-sale are cheap.

When the last single place of a product's quota is gone, every further buyer
is refused. Without a flag each refusal loads the product, its quotas, tiers
and questions to find that out again; with it, a checkout for a flagged
product is refused from one cache read, before the database is touched.

The flag only ever refuses: a sale is always decided in the database, under
the quota row's conditional update. It is set when the database said "sold
out" to a single dancer (a couple refused for want of two places does not set
it), lives ``PISTA_SOLD_OUT_FLAG_S`` seconds, and is dropped as soon as places
come back (a cancelled or expired order, a refund) or a quota or product
changes, once that change commits. The one window it can be stale: a release
committing while another request is between its database read and setting the
flag — bounded by the flag's lifetime. Keys go through the cache's key
function, so they carry the community's schema. Redis down: no flag, every
checkout is decided in the database.

The same moments tell an event's on-sale queue: when a refusal leaves nothing
of the event to sell, its waiting visitors are told it is sold out, and told
no longer once places come back (``salequeue.services``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core_apps.ticketing.models import Product
from core_apps.ticketing.salequeue.services import (
    sale_queue_places_back,
    sale_queue_sold_out_note,
)

logger = logging.getLogger(__name__)


def _key(product_id: int) -> str:
    return f"ticketing:sold-out:{product_id}"


def products_known_sold_out(*, product_ids: Iterable[int]) -> set[int]:
    """Which of ``product_ids`` are flagged sold out (nothing when the cache is down)."""
    keys = {_key(pid): pid for pid in set(product_ids)}
    if not keys:
        return set()
    try:
        found = cache.get_many(list(keys))
    except Exception:  # a cache outage only costs the shortcut
        logger.warning("Reading sold-out flags failed", exc_info=True)
        return set()
    return {keys[key] for key in found}


def product_sold_out_note(*, product: Product) -> None:
    """Flag ``product`` as having no single place left (the database just said
    so), and tell its event's waiting line when nothing of the event is left."""
    try:
        cache.set(_key(product.pk), 1, settings.PISTA_SOLD_OUT_FLAG_S)
    except Exception:
        logger.warning("Setting a sold-out flag failed", exc_info=True)
    if product.event_id is not None:
        sale_queue_sold_out_note(event_id=product.event_id)


def products_sold_out_forget(*, product_ids: Iterable[int]) -> None:
    """Drop the flags of ``product_ids`` once the current transaction commits."""
    ids = set(product_ids)
    if ids:
        transaction.on_commit(lambda: _places_back(ids))


def quotas_sold_out_forget(*, quota_ids: Iterable[int]) -> None:
    """Drop the flags of every product drawing on ``quota_ids``, once the
    current transaction commits (places came back or a quota changed)."""
    product_ids = Product.quotas.through.objects.filter(quota_id__in=set(quota_ids)).values_list(
        "product_id", flat=True
    )
    products_sold_out_forget(product_ids=list(product_ids))


def _places_back(product_ids: set[int]) -> None:
    try:
        cache.delete_many([_key(pid) for pid in product_ids])
    except Exception:
        logger.warning("Dropping sold-out flags failed", exc_info=True)
    sale_queue_places_back(product_ids=product_ids)
