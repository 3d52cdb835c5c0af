"""Suspension: an operator closes a community to visitors, or opens it again."""

from __future__ import annotations

from tenants.models import Community
from tenants.provisioning.services import InvalidCommunity
from tenants.routing.services import domain_cache_forget


def community_set_status(*, community: Community, status: str) -> Community:
    """Suspend or reactivate a community; its data stays either way.
    Raises InvalidCommunity."""
    if status not in Community.Status.values:
        raise InvalidCommunity(f"Unknown status {status!r}.", code="invalid_status")
    community.status = status
    community.save(update_fields=["status"])
    domain_cache_forget(list(community.domains.values_list("domain", flat=True)))
    return community


def community_dunning_suspension(community: Community, suspended: bool) -> None:
    """Billing's dunning closes a community whose payment is long overdue, and
    reopens it when paid (never one that awaits deletion)."""
    community.refresh_from_db()
    if community.is_deletion_pending:
        return
    target = Community.Status.SUSPENDED if suspended else Community.Status.ACTIVE
    if community.status != target:
        community_set_status(community=community, status=target)
