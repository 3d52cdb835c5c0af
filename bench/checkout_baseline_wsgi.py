"""The server of ``bench/checkout.py``'s baseline run, never used in production.

Pista's WSGI application, plus one thing: every new order first locks the row
of its event (``SELECT … FOR UPDATE``) inside the checkout's own order
transaction, so the lock is held until that transaction commits — the way a
shop that serialises its sales per event works. Pista itself locks only the
quota rows an order touches; the ratio of the two runs is the bench's
``ratio``.

The lock is taken from a ``pre_save`` receiver on ``Order``: the one hook that
runs inside the checkout's transaction, before its first write, without a
setting or a branch in the checkout for the benchmark's sake.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models.signals import pre_save

from pista.wsgi import application  # sets Django up: models come after it

# isort: split
from core_apps.orders.models import Order

__all__ = ["application"]


def event_lock(sender: type[Order], instance: Order, **kwargs: Any) -> None:
    """Lock the new order's event row until the order transaction ends."""
    if instance._state.adding and instance.event_id:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM events_event WHERE id = %s FOR UPDATE", [instance.event_id]
            )


pre_save.connect(event_lock, sender=Order, dispatch_uid="bench-checkout-event-lock")
