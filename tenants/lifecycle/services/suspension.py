"""Suspension: an operator closes a community to visitors, or opens it again.

Every operator action is audited in the public schema (the platform's audit
log) and forgets the community's cached host routes at once, so the change
applies on the very next request.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.privacy.selectors import audit_entries_for_target
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError, Conflict
from tenants.models import Community
from tenants.provisioning.services import InvalidCommunity
from tenants.routing.services import domain_cache_forget

REASON_MAX_LENGTH = 500


class CommunityBeingDeleted(Conflict):
    default_code = "community_being_deleted"


class ReasonRequired(ApplicationError):
    default_code = "reason_required"


def operator_reason_clean(reason: str) -> str:
    """The reason an operator gives for an action: required, one paragraph.
    Raises ReasonRequired."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReasonRequired(_("Give a reason: it is kept in the platform's audit log."))
    return reason[:REASON_MAX_LENGTH]


def operator_audit(
    action: str,
    *,
    community: Community,
    operator: Any = None,
    request: HttpRequest | None = None,
    **data: Any,
) -> None:
    """Record an operator's action on ``community`` in the platform's (public) audit log."""
    with schema_context(get_public_schema_name()):
        audit_record(
            action,
            actor=operator,
            target=community,
            request=request,
            data={"schema": community.schema_name, "slug": community.slug, **data},
        )


def _routes_forget(community: Community) -> None:
    domain_cache_forget(list(community.domains.values_list("domain", flat=True)))


def community_set_status(*, community: Community, status: str) -> Community:
    """Suspend or reactivate a community; its data stays either way.
    Raises InvalidCommunity. (Operators use ``community_suspend`` /
    ``community_reinstate``, which are audited.)"""
    if status not in Community.Status.values:
        raise InvalidCommunity(
            _("Unknown status %(status)r.") % {"status": status}, code="invalid_status"
        )
    community.status = status
    community.save(update_fields=["status"])
    _routes_forget(community)
    return community


def _locked(community: Community) -> Community:
    with schema_context(get_public_schema_name()):
        return Community.objects.select_for_update().get(pk=community.pk)


def community_suspend(
    *,
    community: Community,
    operator: Any,
    reason: str,
    request: HttpRequest | None = None,
) -> Community:
    """An operator closes ``community`` to visitors (503 from the next request on).

    Raises ReasonRequired, CommunityBeingDeleted, Conflict (already suspended).
    """
    reason = operator_reason_clean(reason)
    with schema_context(get_public_schema_name()), transaction.atomic():
        locked = _locked(community)
        if locked.status == Community.Status.DELETION_PENDING:
            raise CommunityBeingDeleted(
                _("%(community)s is being deleted; cancel the deletion first.")
                % {"community": locked.name},
            )
        if locked.status == Community.Status.SUSPENDED:
            raise Conflict(
                _("%(community)s is already suspended.") % {"community": locked.name},
                code="already_suspended",
            )
        locked.status = Community.Status.SUSPENDED
        locked.save(update_fields=["status"])
        operator_audit(
            "community.suspend", community=locked, operator=operator, request=request, reason=reason
        )
    _routes_forget(locked)
    community.status = locked.status
    return community


def community_reinstate(
    *,
    community: Community,
    operator: Any,
    reason: str,
    request: HttpRequest | None = None,
) -> Community:
    """An operator opens a suspended community again.

    Raises ReasonRequired, CommunityBeingDeleted (cancel the deletion instead),
    Conflict (not suspended).
    """
    reason = operator_reason_clean(reason)
    with schema_context(get_public_schema_name()), transaction.atomic():
        locked = _locked(community)
        if locked.status == Community.Status.DELETION_PENDING:
            raise CommunityBeingDeleted(
                _("%(community)s is being deleted; cancel the deletion to open it again.")
                % {"community": locked.name},
            )
        if locked.status != Community.Status.SUSPENDED:
            raise Conflict(
                _("%(community)s is not suspended.") % {"community": locked.name},
                code="not_suspended",
            )
        locked.status = Community.Status.ACTIVE
        locked.save(update_fields=["status"])
        operator_audit(
            "community.reinstate",
            community=locked,
            operator=operator,
            request=request,
            reason=reason,
        )
    _routes_forget(locked)
    community.status = locked.status
    return community


def _operator_suspension_in_force(community: Community) -> bool:
    """Whether the last operator action on ``community``'s status suspended it."""
    with schema_context(get_public_schema_name()):
        last = (
            audit_entries_for_target(target=community)
            .filter(action__in=("community.suspend", "community.reinstate"))
            .first()
        )
    return last is not None and last.action == "community.suspend"


def community_dunning_suspension(community: Community, suspended: bool) -> None:
    """Billing's dunning closes a community whose payment is long overdue, and
    reopens it when paid — never one that awaits deletion, nor one an operator
    suspended (only an operator's reinstatement lifts that)."""
    community.refresh_from_db()
    if community.is_deletion_pending:
        return
    if not suspended and _operator_suspension_in_force(community):
        return
    target = Community.Status.SUSPENDED if suspended else Community.Status.ACTIVE
    if community.status != target:
        community_set_status(community=community, status=target)
