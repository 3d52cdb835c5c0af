"""Outbound webhooks: signed POSTs of domain events to owners' HTTPS endpoints.

Domain services announce events through :mod:`pista.domain_events`;
:func:`webhook_event_record` (the listener) writes one delivery per matching
subscription in the announcing transaction and queues its first attempt
through the outbox, so a committed change always gets its deliveries.

Each attempt POSTs the JSON body with ``Pista-Signature: t=<unix
time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>``.
A 2xx answer delivers; anything else (or no answer in 10 s) is retried after
:func:`webhook_retry_delay` (1 min, 4 times longer each time, at most 12 h) for 3 days;
then the delivery fails, the subscription is disabled and its creator gets an
email.

SSRF: only ``https`` URLs whose host resolves to public addresses are
accepted, when subscribing and again at each attempt, which connects to the
address it checked (no second lookup). ``PISTA_WEBHOOK_ALLOWED_TARGETS``
(``host:port`` entries, empty in production) lets tests reach a loopback
receiver over plain http.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core_apps.accounts.models import User
from core_apps.integrations.apikeys import api_keys_manage_check
from core_apps.integrations.models import WebhookDelivery, WebhookSubscription
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError, NotFound

logger = logging.getLogger(__name__)

EVENT_TYPES: dict[str, Any] = {
    "order.paid": gettext_lazy("An order was paid"),
    "order.refunded": gettext_lazy("An order was refunded"),
    "registration.waitlisted": gettext_lazy("Someone joined a waiting list"),
    "registration.admitted": gettext_lazy("A waiting-list place was offered"),
    "checkin.created": gettext_lazy("An attendee was checked in"),
    "event.published": gettext_lazy("An event was published"),
    "booking.confirmed": gettext_lazy("An artist or venue booking was confirmed"),
    "member.joined": gettext_lazy("A member joined the community"),
}
SIGNATURE_HEADER = "Pista-Signature"
TIMEOUT_S = 10.0
RETRY_WINDOW = timedelta(days=3)
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=12)
# An attempt in flight holds its delivery this long (a crashed worker's comes back).
ATTEMPT_LEASE = timedelta(minutes=5)
MAX_SUBSCRIPTIONS = 20
_LOG_KEEP = 20


class WebhookUrlRefused(ApplicationError):
    default_code = "webhook_url_refused"


class WebhookInvalidInput(ApplicationError):
    default_code = "webhook_invalid_input"


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _allowlisted(host: str, port: int) -> bool:
    return f"{host}:{port}" in set(getattr(settings, "PISTA_WEBHOOK_ALLOWED_TARGETS", []))


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def webhook_target_check(*, url: str) -> Target:
    """Where ``url`` may be delivered: its scheme, host, port and path, and
    the public address to connect to. Raises WebhookUrlRefused for anything
    but https to a public address (or an allowlisted test target)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise WebhookUrlRefused(_("This is not a valid URL.")) from exc
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or parts.username or parts.password:
        raise WebhookUrlRefused(_("Give a full https:// URL without credentials."))
    allowlisted = _allowlisted(host, port)
    if parts.scheme != "https" and not (allowlisted and parts.scheme == "http"):
        raise WebhookUrlRefused(_("Webhook URLs must use https://."))
    try:
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError) as exc:
        raise WebhookUrlRefused(
            _("The host %(host)s could not be resolved.") % {"host": host}
        ) from exc
    if not addresses:
        raise WebhookUrlRefused(_("The host %(host)s could not be resolved.") % {"host": host})
    if not allowlisted and not all(_address_is_public(a) for a in addresses):
        raise WebhookUrlRefused(
            _(
                "Webhook URLs must point to a public address, "
                "not a private, loopback or link-local one."
            )
        )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, host, port, path, addresses[0])


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``Pista-Signature`` header value for ``body`` sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based)."""
    seconds = FIRST_RETRY.total_seconds() * 4 ** (attempt - 1)
    return timedelta(seconds=min(seconds, MAX_RETRY.total_seconds()))


def webhook_retry_schedule() -> list[timedelta]:
    """When each attempt happens, counted from the first: [0, 1 min, 5 min, …]
    up to 3 days."""
    offsets = [timedelta(0)]
    attempt = 1
    while offsets[-1] + webhook_retry_delay(attempt) <= RETRY_WINDOW:
        offsets.append(offsets[-1] + webhook_retry_delay(attempt))
        attempt += 1
    return offsets


# --- Subscriptions -------------------------------------------------------------


def _event_types_clean(event_types: list[str]) -> list[str]:
    cleaned = sorted(set(event_types))
    unknown = [t for t in cleaned if t not in EVENT_TYPES]
    if not cleaned or unknown:
        raise WebhookInvalidInput(_("Choose at least one of the listed events."))
    return cleaned


@transaction.atomic
def webhook_subscribe(
    *, actor: User, url: str, event_types: list[str], request: HttpRequest | None = None
) -> WebhookSubscription:
    """Subscribe ``url`` to ``event_types``. Raises PermissionDenied,
    WebhookUrlRefused and WebhookInvalidInput."""
    api_keys_manage_check(actor=actor)
    types = _event_types_clean(event_types)
    if len(url) > 500:
        raise WebhookUrlRefused(_("The URL is too long."))
    webhook_target_check(url=url)
    if WebhookSubscription.objects.count() >= MAX_SUBSCRIPTIONS:
        raise WebhookInvalidInput(_("A community has at most 20 webhook subscriptions."))
    subscription = WebhookSubscription.objects.create(
        url=url.strip(),
        event_types=types,
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_record(
        "webhook.subscribe",
        actor=actor,
        target=subscription,
        request=request,
        data={"url": subscription.url, "events": types},
    )
    return subscription


def _subscription(subscription_id: int) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound(_("No such webhook subscription."))
    return subscription


@transaction.atomic
def webhook_subscription_set_active(
    *, actor: User, subscription_id: int, active: bool, request: HttpRequest | None = None
) -> WebhookSubscription:
    api_keys_manage_check(actor=actor)
    subscription = _subscription(subscription_id)
    if active:
        webhook_target_check(url=subscription.url)
    subscription.is_active = active
    subscription.disabled_reason = (
        "" if active else _("Disabled by %(who)s.") % {"who": actor.email}
    )
    subscription.save(update_fields=["is_active", "disabled_reason"])
    audit_record(
        "webhook.enable" if active else "webhook.disable",
        actor=actor,
        target=subscription,
        request=request,
    )
    return subscription


@transaction.atomic
def webhook_subscription_delete(
    *, actor: User, subscription_id: int, request: HttpRequest | None = None
) -> None:
    api_keys_manage_check(actor=actor)
    subscription = _subscription(subscription_id)
    audit_record("webhook.delete", actor=actor, target=subscription, request=request)
    subscription.delete()


def webhook_subscriptions_listed(*, actor: User) -> QuerySet[WebhookSubscription]:
    api_keys_manage_check(actor=actor)
    return WebhookSubscription.objects.select_related("created_by")


def webhook_deliveries_listed(*, actor: User, limit: int = 50) -> list[WebhookDelivery]:
    api_keys_manage_check(actor=actor)
    return list(WebhookDelivery.objects.select_related("subscription")[:limit])


# --- Deliveries ----------------------------------------------------------------


def _enqueue(delivery: WebhookDelivery) -> None:
    from core_apps.integrations.tasks import webhook_deliver_task
    from pista.tasks import task_enqueue_on_commit

    task_enqueue_on_commit(
        webhook_deliver_task, dedupe_key=f"webhook-delivery:{delivery.pk}", delivery_id=delivery.pk
    )


def webhook_event_record(event_type: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """The domain-event listener: one delivery per active subscription to
    ``event_type``, recorded in the caller's transaction and queued through
    the outbox. One query when nobody subscribed."""
    subscriptions = list(
        WebhookSubscription.objects.filter(is_active=True, event_types__contains=[event_type])
    )
    if not subscriptions:
        return []
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created_at": now.isoformat(),
        "data": json.loads(json.dumps(data, default=str)),
    }
    deliveries = []
    with transaction.atomic():
        for subscription in subscriptions:
            delivery = WebhookDelivery.objects.create(
                subscription=subscription,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            _enqueue(delivery)
            deliveries.append(delivery)
    return deliveries


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        # Kept ourselves: the stubs do not show HTTPSConnection's own ``_context``.
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _post(*, target: Target, body: bytes, headers: dict[str, str]) -> int:
    conn: http.client.HTTPConnection = (
        _PinnedHTTPSConnection(target, TIMEOUT_S)
        if target.scheme == "https"
        else _PinnedHTTPConnection(target, TIMEOUT_S)
    )
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(1024)
        return response.status
    finally:
        conn.close()


def webhook_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def webhook_delivery_attempt(
    *, delivery_id: int, now: datetime | None = None
) -> WebhookDelivery | None:
    """Make the delivery's next attempt if it is due (else do nothing); record
    the answer and schedule the retry, or fail it after 3 days (disabling the
    subscription and emailing its creator). Returns the delivery, or None."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription", "subscription__created_by")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.next_attempt_at = now + ATTEMPT_LEASE
        delivery.save(update_fields=["next_attempt_at"])
    subscription = delivery.subscription
    status: int | None = None
    error = ""
    if not subscription.is_active:
        error = _("The subscription is disabled.")
    else:
        body = webhook_body(delivery)
        timestamp = int(now.timestamp())
        try:
            target = webhook_target_check(url=subscription.url)
            status = _post(
                target=target,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "Pista-Webhooks/1",
                    "Pista-Event": delivery.event_type,
                    "Pista-Event-Id": str(delivery.event_id),
                    "Pista-Delivery": str(delivery.pk),
                    SIGNATURE_HEADER: webhook_signature(
                        secret=subscription.secret, timestamp=timestamp, body=body
                    ),
                },
            )
        except WebhookUrlRefused as exc:
            error = exc.message
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
    return _attempt_record(delivery=delivery, now=now, status=status, error=error)


@transaction.atomic
def _attempt_record(
    *, delivery: WebhookDelivery, now: datetime, status: int | None, error: str
) -> WebhookDelivery:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status
    delivery.error = error[:300]
    delivery.attempts_log = [
        *delivery.attempts_log[-(_LOG_KEEP - 1) :],
        {"at": now.isoformat(), "status": status, "error": error[:300]},
    ]
    if status is not None and 200 <= status < 300:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.next_attempt_at = None
    else:
        next_at = now + webhook_retry_delay(delivery.attempts)
        if next_at > delivery.created_at + RETRY_WINDOW:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            _subscription_give_up(delivery.subscription, delivery)
        else:
            delivery.next_attempt_at = next_at
    delivery.save()
    return delivery


def _subscription_give_up(subscription: WebhookSubscription, delivery: WebhookDelivery) -> None:
    """After 3 days of failures: disable and tell the creator (once)."""
    if not subscription.is_active:
        return
    subscription.is_active = False
    subscription.disabled_reason = _(
        "Disabled automatically: deliveries failed for 3 days (last answer: %(answer)s)."
    ) % {"answer": delivery.response_status or delivery.error or "-"}
    subscription.save(update_fields=["is_active", "disabled_reason"])
    audit_record("webhook.auto_disable", target=subscription, data={"url": subscription.url})
    from core_apps.integrations.tasks import webhook_disabled_mail_task
    from pista.tasks import task_enqueue_on_commit

    task_enqueue_on_commit(
        webhook_disabled_mail_task,
        dedupe_key=f"webhook-disabled:{subscription.pk}:{delivery.pk}",
        subscription_id=subscription.pk,
    )


def webhook_disabled_mail_send(*, subscription_id: int) -> None:
    from themes.mail import community_email_build

    subscription = (
        WebhookSubscription.objects.select_related("created_by").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.is_active:
        return
    community_email_build(
        template_prefix="integrations/email/webhook_disabled",
        context={"subscription": subscription},
        to=[subscription.created_by.email],
    ).send()


def webhook_deliveries_due(*, now: datetime | None = None) -> int:
    """Attempt every pending delivery whose time has come (the beat's sweep)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        webhook_delivery_attempt(delivery_id=pk, now=now)
    return len(due)


# Finished deliveries (delivered, or failed after every retry) stay visible in
# the delivery log this long, then go; pending ones are never pruned.
DELIVERY_LOG_KEPT = timedelta(days=30)


def webhook_deliveries_prune(*, now: datetime | None = None) -> int:
    """Delete finished deliveries older than ``DELIVERY_LOG_KEPT`` (the beat,
    daily); returns how many went."""
    cutoff = (now or timezone.now()) - DELIVERY_LOG_KEPT
    deleted, _by_model = (
        WebhookDelivery.objects.filter(created_at__lt=cutoff)
        .exclude(status=WebhookDelivery.Status.PENDING)
        .delete()
    )
    return deleted


@transaction.atomic
def webhook_delivery_redeliver(
    *, actor: User, delivery_id: int, request: HttpRequest | None = None
) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery with the same event
    id (receivers deduplicate on it). Raises PermissionDenied and NotFound."""
    api_keys_manage_check(actor=actor)
    original = WebhookDelivery.objects.filter(pk=delivery_id).select_related("subscription").first()
    if original is None:
        raise NotFound(_("No such webhook delivery."))
    now = timezone.now()
    copy = WebhookDelivery.objects.create(
        subscription=original.subscription,
        event_id=original.event_id,
        event_type=original.event_type,
        payload=original.payload,
        created_at=now,
        next_attempt_at=now,
    )
    audit_record(
        "webhook.redeliver",
        actor=actor,
        target=original.subscription,
        request=request,
        data={"delivery": original.pk, "event": str(original.event_id)},
    )
    _enqueue(copy)
    return copy
