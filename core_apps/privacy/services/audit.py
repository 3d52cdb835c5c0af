"""The audit log: one entry per auditable action, in the current schema."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models
from django.http import HttpRequest

from core_apps.privacy.models import AuditEntry
from pista.ratelimit import client_ip


def _person_label(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(getattr(user, "email", "") or user.pk)[:254]


def _address(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def audit_record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    subject: Any = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record ``action`` (e.g. ``"auth.login"``, ``"order.refund"``) in the current schema.

    The actor defaults to the request's signed-in user; address and user agent
    come from the request (behind the trusted proxies only). ``subject`` is the
    person the entry concerns, when that is not the actor.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        action=action[:64],
        actor=actor,
        actor_label=_person_label(actor),
        subject=subject if getattr(subject, "pk", None) else None,
        data=data or {},
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)[:64]
        entry.target_label = str(target)[:200]
    if request is not None:
        entry.ip_address = _address(request)
        entry.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    entry.save()
    return entry
