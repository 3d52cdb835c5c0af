"""Reads of privacy records."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet

from core_apps.privacy.models import AuditEntry, ConsentRecord, DataExport, PolicyDocument


def audit_entries_about(*, user: Any) -> QuerySet[AuditEntry]:
    """Every audit entry where ``user`` acted or was the subject, newest first."""
    return AuditEntry.objects.filter(Q(actor=user) | Q(subject=user))


CURRENT_CACHE_KEY = "privacy:current-policies"


def policies_current_ids() -> list[int]:
    """Ids of the current policy versions (cached; publishing clears it)."""
    ids = cache.get(CURRENT_CACHE_KEY)
    if ids is None:
        ids = list(
            PolicyDocument.objects.order_by("kind", "-version")
            .distinct("kind")
            .values_list("pk", flat=True)
        )
        cache.set(CURRENT_CACHE_KEY, ids, 300)
    return list(ids)


def pending_cache_key(user_id: int) -> str:
    """Per member and per set of current versions: a new version asks again."""
    versions = "-".join(str(pk) for pk in sorted(policies_current_ids()))
    return f"privacy:pending:{user_id}:{versions}"


def policies_current() -> list[PolicyDocument]:
    """The current (highest) version of each published policy kind."""
    return list(PolicyDocument.objects.filter(pk__in=policies_current_ids()).order_by("kind"))


def consent_current(*, user: Any, document: PolicyDocument) -> bool:
    """Whether ``user``'s latest choice about ``document`` is an acceptance."""
    latest = (
        ConsentRecord.objects.filter(user=user, document=document)
        .order_by("-created_at", "-pk")
        .values_list("given", flat=True)
        .first()
    )
    return bool(latest)


def policies_pending(*, user: Any) -> list[PolicyDocument]:
    """Current policy versions ``user`` has not accepted (or has withdrawn from)."""
    if not policies_current_ids():
        return []
    return [d for d in policies_current() if not consent_current(user=user, document=d)]


def policies_pending_ids(*, user: Any) -> list[int]:
    """``policies_pending`` ids, cached per member (consent changes clear it)."""
    key = pending_cache_key(user.pk)
    ids = cache.get(key)
    if ids is None:
        ids = [d.pk for d in policies_pending(user=user)]
        cache.set(key, ids, 300)
    return list(ids)


def consent_history(*, user: Any) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(user=user).select_related("document")


def data_exports_of(*, user: Any) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user)


def audit_entries_recent(*, action_prefix: str = "") -> QuerySet[AuditEntry]:
    """The current schema's audit log, newest first, optionally one family of
    actions (``"auth."``, ``"role."``…)."""
    entries = AuditEntry.objects.all()
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries.order_by("-created_at", "-pk")


def audit_entries_for_target(*, target: Any) -> QuerySet[AuditEntry]:
    """Entries about the row ``target``, newest first (in the current schema)."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)[:64]
    )
