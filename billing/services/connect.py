"""Stripe Connect: a community's connected account for ticket-sale payouts.

The public ``ConnectedAccount`` row is the index Connect events are routed by
(``event.account`` → community); the community's own payment settings learn
the account id through the listener ``orders`` registers, so both stay in step.
Status (charges/payouts enabled, requirements due) comes from ``account.updated``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name, schema_context

from billing import stripe_gateway
from billing.models import ConnectedAccount
from core_apps.privacy.services.audit import audit_record
from pista.billing_hooks import connect_account_listeners
from pista.errors import Conflict
from tenants.models import Community

COUNTRIES = {"EUR": "DE", "GBP": "GB", "USD": "US", "CHF": "CH"}


class AccountTaken(Conflict):
    default_code = "connect_account_taken"


def _audit(action: str, *, community: Community, actor: Any, data: dict[str, Any]) -> None:
    # The owner is a user of the community's schema: the entry lives there.
    with schema_context(community.schema_name):
        audit_record(action, actor=actor, target=community, data=data)


def connect_account_link(
    *, community: Community, account_id: str, actor: Any = None
) -> ConnectedAccount:
    """Index ``account_id`` as the community's connected account and tell the
    community's payment settings. Raises AccountTaken (another community's)."""
    with transaction.atomic():
        other = ConnectedAccount.objects.filter(account_id=account_id).exclude(community=community)
        if other.exists():
            raise AccountTaken(gettext("This Stripe account belongs to another community."))
        row, _ = ConnectedAccount.objects.update_or_create(
            community=community, defaults={"account_id": account_id}
        )
        with schema_context(community.schema_name):
            for listener in connect_account_listeners():
                listener(account_id)
    _audit("billing.connect_linked", community=community, actor=actor, data={"account": account_id})
    return row


def connect_onboarding_start(
    *, community: Community, actor: Any, email: str, return_url: str, refresh_url: str
) -> str:
    """Create the community's connected account if it has none, and return the
    URL of Stripe's hosted onboarding. Raises StripeUnavailable."""
    row = ConnectedAccount.objects.filter(community=community).first()
    if row is None:
        account = stripe_gateway.connect_account_create(
            email=email,
            country=COUNTRIES.get(community.currency, "DE"),
            idempotency_key=f"connect-account:{community.schema_name}",
        )
        row = connect_account_link(community=community, account_id=str(account["id"]), actor=actor)
        connect_account_status_update(account=account, event_id="onboarding")
    return stripe_gateway.connect_account_link_create(
        account_id=row.account_id, refresh_url=refresh_url, return_url=return_url
    )


def connect_account_status_update(*, account: dict[str, Any], event_id: str) -> bool:
    """Apply a Stripe account object (``account.updated``) to the index."""
    row = ConnectedAccount.objects.filter(account_id=str(account.get("id", ""))).first()
    if row is None:
        return False
    requirements = account.get("requirements") or {}
    due = sorted(
        {*(requirements.get("currently_due") or []), *(requirements.get("past_due") or [])}
    )
    row.charges_enabled = bool(account.get("charges_enabled"))
    row.payouts_enabled = bool(account.get("payouts_enabled"))
    row.details_submitted = bool(account.get("details_submitted"))
    row.requirements_due = due
    row.save()
    with schema_context(get_public_schema_name()):
        audit_record(
            "billing.connect_status",
            target=row.community,
            data={
                "event": event_id,
                "charges": row.charges_enabled,
                "payouts": row.payouts_enabled,
                "due": due,
            },
        )
    return True
