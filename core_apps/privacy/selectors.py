"""Reads of privacy records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core_apps.privacy.models import AuditEntry


def audit_entries_about(*, user: Any) -> QuerySet[AuditEntry]:
    """Every audit entry where ``user`` acted or was the subject, newest first."""
    return AuditEntry.objects.filter(Q(actor=user) | Q(subject=user))


def audit_entries_recent(*, action_prefix: str = "") -> QuerySet[AuditEntry]:
    """The current schema's audit log, newest first, optionally one family of
    actions (``"auth."``, ``"role."``…)."""
    entries = AuditEntry.objects.all()
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries.order_by("-created_at", "-pk")
