"""Reads of privacy records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core_apps.privacy.models import AuditEntry


def audit_entries_about(*, user: Any) -> QuerySet[AuditEntry]:
    """Every audit entry where ``user`` acted or was the subject, newest first."""
    return AuditEntry.objects.filter(Q(actor=user) | Q(subject=user))
