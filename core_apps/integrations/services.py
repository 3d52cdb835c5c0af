"""Writes of the integrations app: idempotency keys.

A request sent with an ``Idempotency-Key`` first *claims* the key: one row is
inserted, in its own short transaction, with status ``in_progress``; the unique
index on the key lets exactly one of several concurrent requests win. The
winner does its work and stores its answer (:func:`idempotency_complete`);
the others wait briefly for that answer and replay it, or are told the first
request is still in progress. Rows live in each community's schema, in the
database rather than in Redis, so a Redis outage cannot make a retry pay twice.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.integrations.models import IdempotencyRecord
from pista.errors import ApplicationError, Conflict

# How long a key is remembered. The privacy retention job deletes older rows
# (category "idempotency" in core_apps/privacy/inventory.py, same period).
IDEMPOTENCY_TTL = timedelta(hours=24)
# A claim older than this whose request never finished belonged to a process
# that died; the key may then be claimed again (requests time out far sooner).
IDEMPOTENCY_ABANDONED_AFTER = timedelta(minutes=5)
# How long a concurrent twin waits for the first request's answer before 409.
IDEMPOTENCY_WAIT_SECONDS = 3.0
_POLL_SECONDS = 0.05
KEY_MAX_LENGTH = 255


class IdempotencyKeyInvalid(ApplicationError):
    default_code = "idempotency_key_invalid"


class IdempotencyKeyReused(Conflict):
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(Conflict):
    default_code = "idempotency_in_progress"


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: Any


@dataclass(frozen=True)
class IdempotencyClaim:
    """Either the claimed ``record`` (the caller does the work, then completes
    or releases it) or the ``answer`` stored by the first request."""

    record: IdempotencyRecord | None = None
    answer: StoredAnswer | None = None


def idempotency_key_clean(*, raw: str) -> str:
    """The key as sent, checked: 1 to 255 printable ASCII characters.
    Raises IdempotencyKeyInvalid."""
    if not 0 < len(raw) <= KEY_MAX_LENGTH or not all(" " <= c <= "~" for c in raw):
        raise IdempotencyKeyInvalid(
            _("Idempotency-Key must be 1 to 255 printable ASCII characters.")
        )
    return raw


def idempotency_actor(*, user: Any = None, credential: Any = None) -> str:
    """Who sends a request, as the fingerprint records it: the signed-in user,
    else the credential (an API key) that authenticated it, else nobody."""
    if user is not None:
        return f"user:{user.pk}"
    if credential is not None:
        return f"{type(credential).__name__}:{getattr(credential, 'pk', credential)}"
    return "anonymous"


def idempotency_fingerprint(*, endpoint: str, actor: str, body: Any) -> str:
    """SHA-256 of what a replay must repeat: the endpoint, who calls and the
    body (keys sorted, so the same JSON in another order is the same request)."""
    canonical = json.dumps(
        [endpoint, actor, body], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_claim(
    *,
    key: str,
    fingerprint: str,
    user: Any = None,
    wait_seconds: float | None = None,
) -> IdempotencyClaim:
    """Claim ``key`` for one request, or find the answer of the request that
    claimed it first. Must run outside any transaction (autocommit), so that
    the claim is visible to concurrent requests at once.

    Returns a claim holding either the new in-progress record or the stored
    answer. An expired key, or one abandoned by a dead process, is claimed
    afresh. Raises IdempotencyKeyReused (the key was used for another endpoint,
    caller or body) and IdempotencyInProgress (the first request has not
    answered within ``wait_seconds``, default IDEMPOTENCY_WAIT_SECONDS).
    """
    if wait_seconds is None:
        wait_seconds = IDEMPOTENCY_WAIT_SECONDS
    deadline = time.monotonic() + wait_seconds
    reclaims = 0
    while True:
        now = timezone.now()
        record = _record_insert(key=key, fingerprint=fingerprint, user=user, now=now)
        if record is not None:
            return IdempotencyClaim(record=record)
        existing = IdempotencyRecord.objects.filter(key=key).first()
        if existing is None or _is_stale(existing, now=now):
            # Released, expired or abandoned: claim it again straight away. Only
            # the row as read goes, never a fresh claim by another request.
            if existing is not None:
                IdempotencyRecord.objects.filter(
                    pk=existing.pk, status=existing.status, created_at=existing.created_at
                ).delete()
            reclaims += 1
            if reclaims <= 10:
                continue
        elif existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                _(
                    "This Idempotency-Key was already used for a different request; "
                    "use a new key for a new request."
                )
            )
        elif existing.status == IdempotencyRecord.Status.DONE:
            assert existing.response_status is not None
            return IdempotencyClaim(
                answer=StoredAnswer(status=existing.response_status, body=existing.response_body)
            )
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress(
                _(
                    "A request with this Idempotency-Key is still in progress; "
                    "retry in a moment to get its answer."
                )
            )
        time.sleep(_POLL_SECONDS)


def _record_insert(
    *, key: str, fingerprint: str, user: Any, now: datetime
) -> IdempotencyRecord | None:
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                key=key,
                fingerprint=fingerprint,
                user=user,
                created_at=now,
                expires_at=now + IDEMPOTENCY_TTL,
            )
    except IntegrityError:
        return None


def _is_stale(record: IdempotencyRecord, *, now: datetime) -> bool:
    if record.expires_at <= now:
        return True
    return (
        record.status == IdempotencyRecord.Status.IN_PROGRESS
        and record.created_at <= now - IDEMPOTENCY_ABANDONED_AFTER
    )


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: Any) -> None:
    """Store the answer of the request that claimed ``record``; replays get it
    (``body`` must be JSON-serialisable)."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=IdempotencyRecord.Status.DONE, response_status=status, response_body=body
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Forget a claim whose request did nothing to remember (it failed before
    doing any work, or on the server's side): the key may be used again."""
    IdempotencyRecord.objects.filter(
        pk=record.pk, status=IdempotencyRecord.Status.IN_PROGRESS
    ).delete()


def idempotency_run(
    *, key: str, fingerprint: str, work: Callable[[], Any], user: Any = None
) -> Any:
    """Run ``work`` once per key and return its (JSON-serialisable) result, or
    the result the first run with this key stored (waiting briefly for it).
    If ``work`` raises, nothing is kept and the key may be used again. Raises
    what ``work`` raises, IdempotencyKeyReused and IdempotencyInProgress."""
    claim = idempotency_claim(key=key, fingerprint=fingerprint, user=user)
    if claim.answer is not None:
        return claim.answer.body
    assert claim.record is not None
    try:
        result = work()
    except BaseException:
        idempotency_release(record=claim.record)
        raise
    idempotency_complete(record=claim.record, status=200, body=result)
    return result
