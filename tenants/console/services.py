"""Operator actions started from the console that the lifecycle services don't
cover themselves: creating a community (provisioning, audited), extending a
community's trial (billing, audited)."""

from __future__ import annotations

from typing import Any

from allauth.core import context as allauth_context
from django.http import HttpRequest
from django.utils.translation import gettext as _

from billing.services.subscriptions import trial_extend
from tenants.lifecycle.services.suspension import (
    CommunityBeingDeleted,
    operator_audit,
    operator_reason_clean,
)
from tenants.models import Community
from tenants.provisioning.services import ProvisionedCommunity, community_create


def operator_community_create(
    *,
    operator: Any,
    name: str,
    slug: str,
    owner_email: str,
    language: str = "en",
    currency: str = "EUR",
    time_zone: str = "Europe/Berlin",
    request: HttpRequest | None = None,
) -> ProvisionedCommunity:
    """Provision a community for an operator (schema, domains, site, owner
    invited by email) and audit it. Raises InvalidCommunity, CommunityTaken."""
    # Outside the operator's request: the new schema's own audit entries (the
    # owner's role) must not name the operator, a user of another schema.
    with allauth_context.request_context(None):
        provisioned = community_create(
            slug=slug,
            name=name,
            owner_email=owner_email,
            language=language,
            currency=currency,
            time_zone=time_zone,
        )
    operator_audit(
        "community.create",
        community=provisioned.community,
        operator=operator,
        request=request,
        domains=provisioned.domains,
    )
    return provisioned


def operator_trial_extend(
    *,
    community: Community,
    operator: Any,
    days: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Community:
    """Extend the community's trial by ``days`` and audit it with the reason.
    Raises ReasonRequired, CommunityBeingDeleted (nothing to extend for a
    community on its way out), TrialNotRunning, StripeUnavailable."""
    reason = operator_reason_clean(reason)
    status = Community.objects.filter(pk=community.pk).values_list("status", flat=True).first()
    if status == Community.Status.DELETION_PENDING:
        raise CommunityBeingDeleted(
            _("%(community)s is being deleted; cancel the deletion first.")
            % {"community": community.name}
        )
    subscription = trial_extend(community=community, days=days)
    operator_audit(
        "billing.trial_extended",
        community=community,
        operator=operator,
        request=request,
        days=days,
        until=subscription.trial_ends_at.isoformat() if subscription.trial_ends_at else "",
        reason=reason,
    )
    return community
