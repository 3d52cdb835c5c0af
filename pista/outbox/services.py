"""Record effects in the caller's transaction; deliver them until done, once.

``outbox_enqueue`` writes an :class:`OutboxMessage` in the current transaction
and, once it commits, hands the message to the relay task on the target task's
queue. If the broker is down at that moment nothing is lost: the row stays
``pending`` and ``outbox_sweep`` (beat) delivers it later.

A delivery claims the message with a session-level PostgreSQL advisory lock,
not a lease: the lock is held by the database connection of the process that
runs the effect, so a worker killed mid-effect releases it at once and the next
delivery (Celery's redelivery or the sweep) takes over without waiting for a
timeout. The effect runs outside any transaction of ours (tasks keep their own
transaction boundaries); an effect that dies after its own commit but before
``done`` is recorded runs again, so effects guard themselves with
:func:`effect_once` (one email per order and kind) or their own locks.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from pista.celery import app
from pista.outbox.models import EffectMarker, OutboxMessage
from pista.tenancy import current_schema

logger = logging.getLogger(__name__)
# The relay (pista.outbox.tasks), named here: the tasks module imports this one.
RELAY_TASK = "pista.outbox.tasks.outbox_deliver_task"


def outbox_enqueue(task: Any, /, *, dedupe_key: str = "", **kwargs: Any) -> OutboxMessage | None:
    """Record that ``task(**kwargs)`` must run once the current transaction
    commits (immediately when none is open). A non-empty ``dedupe_key`` already
    recorded makes this a no-op (returns None). ``kwargs`` must be JSON."""
    grace = timedelta(seconds=settings.PISTA_OUTBOX_SWEEP_GRACE_S)
    try:
        # One savepoint and one INSERT: the key's unique constraint, not a
        # read first, tells a repeat (checkouts enqueue on their hot path).
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                task=task.name,
                kwargs=kwargs,
                dedupe_key=dedupe_key,
                next_attempt_at=timezone.now() + grace,
            )
    except IntegrityError:  # the same key, recorded before or concurrently
        if not dedupe_key:
            raise
        return None
    schema = current_schema()
    transaction.on_commit(
        lambda: outbox_dispatch(message_id=message.pk, task_name=message.task, schema=schema)
    )
    return message


def outbox_dispatch(*, message_id: int, task_name: str, schema: str) -> bool:
    """Hand one message to the relay on its task's queue. False (and a warning)
    when the broker can't take it: the sweep will deliver it."""
    with schema_context(schema):
        try:
            app.tasks[RELAY_TASK].apply_async(
                kwargs={"message_id": message_id}, queue=_queue_for(task_name)
            )
        except Exception:  # any broker failure; the row is safe in the database
            logger.warning(
                "outbox: message %s (%s) not queued; the sweep will deliver it",
                message_id,
                task_name,
                exc_info=True,
            )
            return False
    return True


def outbox_redrive(*, dedupe_key: str) -> bool:
    """Hand the pending message recorded under ``dedupe_key`` to the relay again
    (a caller that knows it is still waiting, such as a provider's retry)."""
    message = (
        OutboxMessage.objects.filter(dedupe_key=dedupe_key, status=OutboxMessage.Status.PENDING)
        .values_list("pk", "task")
        .first()
    )
    if message is None:
        return False
    message_id, task_name = message
    return outbox_dispatch(message_id=message_id, task_name=task_name, schema=current_schema())


def _queue_for(task_name: str) -> str:
    """The queue ``CELERY_TASK_ROUTES`` gives the target task."""
    route = app.amqp.router.route({}, task_name)
    queue = route.get("queue")
    return str(getattr(queue, "name", queue) or settings.CELERY_TASK_DEFAULT_QUEUE)


def _advisory_key(message_id: int) -> tuple[int, int]:
    # Advisory locks are per database and schemas count ids from 1: the first
    # key names the schema. A crc32 collision only makes two schemas' messages
    # wait for each other, never deliver twice.
    schema_key = zlib.crc32(current_schema().encode()) - 2**31
    return schema_key, message_id % 2**31


@contextmanager
def _claimed(message_id: int) -> Iterator[bool]:
    """True while this connection holds the message's delivery lock."""
    key = _advisory_key(message_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        (held,) = cursor.fetchone()
    try:
        yield bool(held)
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.PISTA_OUTBOX_BACKOFF_S * 2 ** (attempts - 1), 3600))


def outbox_deliver(*, message_id: int) -> str:
    """Run one pending message's task unless another process is running it or it
    is done. Returns ``done``, ``retry`` (failed, backing off), ``failed`` (gave
    up), ``busy`` (another process holds it) or ``skipped`` (done already)."""

    with _claimed(message_id) as held:
        if not held:
            return "busy"
        message = OutboxMessage.objects.filter(
            pk=message_id, status=OutboxMessage.Status.PENDING
        ).first()
        if message is None:
            return "skipped"
        attempts = message.attempts + 1
        try:
            task = app.tasks[message.task]
            task(**message.kwargs)
        except Exception as exc:  # the effect failed; record it and back off
            logger.exception(
                "outbox: %s #%s failed (attempt %s)", message.task, message_id, attempts
            )
            failed = attempts >= settings.PISTA_OUTBOX_MAX_ATTEMPTS
            OutboxMessage.objects.filter(pk=message_id).update(
                attempts=attempts,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
                next_attempt_at=timezone.now() + _backoff(attempts),
            )
            return "failed" if failed else "retry"
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=attempts, status=OutboxMessage.Status.DONE, done_at=timezone.now()
        )
        return "done"


def outbox_sweep(*, limit: int = 500) -> int:
    """Deliver the current schema's messages that are due (never handed over,
    their broker message lost, or backing off after a failure). Returns how
    many were delivered."""
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_deliver(message_id=pk) == "done" for pk in due)


def outbox_prune() -> int:
    """Forget delivered messages after ``PISTA_OUTBOX_KEEP_DONE_DAYS`` (their
    effects' markers stay: they are what keeps a late duplicate from acting)."""
    cutoff = timezone.now() - timedelta(days=settings.PISTA_OUTBOX_KEEP_DONE_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.DONE, done_at__lt=cutoff
    ).delete()
    return deleted


def outbox_message_retry(*, message_id: int) -> None:
    """An operator's retry of a ``failed`` message: pending again, due now."""
    OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now()
    )


@contextmanager
def effect_once(key: str) -> Iterator[bool]:
    """Guard an effect that must happen once per ``key`` (an email per order and
    kind): yields False when it already happened. The marker commits with the
    block, so an effect that raises leaves no marker and is tried again."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                EffectMarker.objects.create(key=key)
        except IntegrityError:
            yield False
            return
        yield True
