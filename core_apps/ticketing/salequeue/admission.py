"""The checkout's side of the queue: whether a checkout may go ahead, and the
one order a pass may produce.

Checkout views call :func:`sale_queue_admission` before placing an order and
place it inside :func:`sale_queue_pass_redeem`. For the many checkouts of
events without a queue this costs one Redis read (the community's list of
queued events), no query. With Redis out of reach the list is read from the
database and a queued event's checkout is refused (``QueueUnavailable``):
the queue fails closed, so an outage never turns an orderly line back into
a refresh race; other events sell as usual.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from rest_framework.request import Request

from core_apps.ticketing.salequeue.errors import (
    QueueOneEvent,
    QueuePassExpired,
    QueuePassInvalid,
    QueuePassRequired,
    QueuePassUsed,
    QueueUnavailable,
)
from core_apps.ticketing.salequeue.line import (
    LineUnavailable,
    pass_claim,
    pass_settle,
    pass_used,
)
from core_apps.ticketing.salequeue.passes import (
    QueuePass,
    TokenInvalid,
    pass_cookie_name,
    pass_read,
)
from core_apps.ticketing.salequeue.selectors import (
    event_ids_for_products,
    queued_event_ids,
    queued_event_ids_from_database,
)
from pista.tenancy import current_schema

logger = logging.getLogger(__name__)

PASS_HEADER = "X-Pista-Queue-Pass"  # noqa: S105 - a header name, no secret
# A claim outlives its pass a little: a checkout started just before the end
# of the window keeps it until it is done.
CLAIM_GRACE_S = 120


@dataclass
class Admission:
    """A valid pass for a queued event; ``consumed`` once it produced an order."""

    schema: str
    queue_pass: QueuePass
    consumed: bool = False

    @property
    def ttl_s(self) -> int:
        return int(self.queue_pass.expires_at - time.time()) + CLAIM_GRACE_S


def pass_token_from_request(request: HttpRequest | Request, event_id: int) -> str:
    """The pass a request carries for ``event_id``: the ``X-Pista-Queue-Pass``
    header (API clients), else the cookie the waiting room set."""
    header = request.headers.get(PASS_HEADER, "")
    return (header or request.COOKIES.get(pass_cookie_name(event_id), "")).strip()[:512]


def _unavailable(event_id: int) -> QueueUnavailable:
    return QueueUnavailable(
        gettext(
            "The queue for this event is unavailable for a moment, so sales are paused: "
            "keep the waiting room open, it carries on by itself."
        ),
        event_id=event_id,
    )


def _queued_listed() -> set[int] | None:
    """The community's queued events from Redis; None when it is out of reach."""
    try:
        return queued_event_ids()
    except LineUnavailable:
        return None


def _queued(event_ids: set[int], listed: set[int] | None) -> set[int]:
    """Those of ``event_ids`` that sell through a queue now, from ``listed``
    or, with Redis out of reach, the database. Raises QueueUnavailable when
    one does and Redis is out of reach."""
    if listed is not None:
        return event_ids & listed
    if not settings.REDIS_URL or not event_ids:
        return set()  # no Redis at all: no queue can have been turned on
    queued = queued_event_ids_from_database(event_ids=event_ids)
    if queued:
        raise _unavailable(min(queued))
    return set()


def sale_queue_admission(
    *, event_ids: Iterable[int], pass_token: Callable[[int], str], check_used: bool = False
) -> Admission | None:
    """None when none of ``event_ids`` sells through a queue now; else the
    pass ``pass_token(event_id)`` gives, checked: signed here for this event,
    not expired (and, with ``check_used``, not used yet). Raises
    QueuePassRequired, QueuePassInvalid, QueuePassExpired, QueuePassUsed,
    QueueUnavailable, QueueOneEvent."""
    ids = set(event_ids)
    if not ids:
        return None
    return _admit(_queued(ids, _queued_listed()), pass_token, check_used=check_used)


def sale_queue_admission_for_products(
    *, product_ids: Iterable[int], pass_token: Callable[[int], str]
) -> Admission | None:
    """:func:`sale_queue_admission` for a cart: the products' events are read
    (one query) only while the community has a queue on."""
    ids = set(product_ids)
    listed = _queued_listed() if ids else set()
    if (listed is not None and not listed) or (listed is None and not settings.REDIS_URL):
        return None
    queued = _queued(event_ids_for_products(product_ids=ids), listed)
    return _admit(queued, pass_token, check_used=False)


def _admit(
    queued: set[int], pass_token: Callable[[int], str], *, check_used: bool
) -> Admission | None:
    if not queued:
        return None
    event_id = min(queued)
    if len(queued) > 1:
        raise QueueOneEvent(
            gettext("Tickets of events with a queue are bought one event per order."),
            event_id=event_id,
        )
    token = pass_token(event_id)
    if not token:
        raise QueuePassRequired(
            gettext("Tickets for this event are sold through a queue: join the line first."),
            event_id=event_id,
        )
    schema = current_schema()
    try:
        queue_pass = pass_read(schema=schema, event_id=event_id, token=token)
    except TokenInvalid:
        raise QueuePassInvalid(
            gettext("This queue pass is not valid here: join the line to get one."),
            event_id=event_id,
        ) from None
    if queue_pass.expires_at <= time.time():
        raise QueuePassExpired(
            gettext("Your time to check out has run out: join the line again."),
            event_id=event_id,
        )
    admission = Admission(schema=schema, queue_pass=queue_pass)
    if check_used and _used(admission):
        raise _used_error(event_id)
    return admission


def _used(admission: Admission) -> bool:
    queue_pass = admission.queue_pass
    try:
        return pass_used(
            schema=admission.schema,
            event_id=queue_pass.event_id,
            epoch=queue_pass.epoch,
            position=queue_pass.position,
        )
    except LineUnavailable:
        raise _unavailable(queue_pass.event_id) from None


def _used_error(event_id: int) -> QueuePassUsed:
    return QueuePassUsed(
        gettext("This queue pass has already been used for an order: join the line again."),
        event_id=event_id,
    )


@contextmanager
def sale_queue_pass_redeem(admission: Admission | None) -> Iterator[Admission | None]:
    """Hold ``admission``'s pass for one checkout: no other checkout may use it
    meanwhile, and once the block sets ``consumed`` (an order was placed) it
    is used for good; after an error or without an order it is free again.
    Without an admission (no queue) nothing is held. Raises QueuePassUsed,
    QueueUnavailable."""
    if admission is None:
        yield None
        return
    queue_pass = admission.queue_pass
    try:
        claimed = pass_claim(
            schema=admission.schema,
            event_id=queue_pass.event_id,
            epoch=queue_pass.epoch,
            position=queue_pass.position,
            ttl_s=admission.ttl_s,
        )
    except LineUnavailable:
        raise _unavailable(queue_pass.event_id) from None
    if not claimed:
        raise _used_error(queue_pass.event_id)
    try:
        yield admission
    finally:
        try:
            pass_settle(
                schema=admission.schema,
                event_id=queue_pass.event_id,
                epoch=queue_pass.epoch,
                position=queue_pass.position,
                used=admission.consumed,
                ttl_s=admission.ttl_s,
            )
        except LineUnavailable:
            # The claim stays and expires with the pass: used, to be safe.
            logger.warning("queue pass %s: not settled, Redis unavailable", queue_pass)
