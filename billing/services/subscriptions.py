"""Subscription state from Stripe's platform events, and dunning.

Stripe's own states (``trialing``, ``active``, ``past_due``, ``canceled``)
arrive through verified webhooks (``billing.services.webhooks``); the platform
adds two dunning steps of its own: ``read_only`` (nothing new can be added:
every plan limit check refuses) ``PISTA_DUNNING_READ_ONLY_AFTER_DAYS`` after
the first failed payment, and ``suspended`` after
``PISTA_DUNNING_SUSPEND_AFTER_DAYS`` (the community closes to visitors through
the registered suspension handler). A paid invoice reinstates the subscription
and the community.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from billing import stripe_gateway
from billing.models import Plan, PlatformInvoice, Subscription
from billing.services.plans import DEFAULT_PLAN_SLUG
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError
from pista.outbox.services import effect_once
from pista.tasks import task_enqueue_on_commit
from tenants.current import community_url
from tenants.models import Community

S = Subscription.Status
STRIPE_STATUSES = {
    "trialing": S.TRIALING,
    "active": S.ACTIVE,
    "past_due": S.PAST_DUE,
    "unpaid": S.PAST_DUE,
    "incomplete": S.PAST_DUE,
    "canceled": S.CANCELED,
    "incomplete_expired": S.CANCELED,
}
DUNNING_STATUSES = (S.PAST_DUE, S.READ_ONLY, S.SUSPENDED)

# (community, suspended: bool) -> None; ``tenants`` registers the one that
# closes and reopens the community (billing sits below tenants.lifecycle).
SUSPENSION_HANDLERS: list[Callable[[Community, bool], None]] = []


def suspension_handler_register(handler: Callable[[Community, bool], None]) -> None:
    if handler not in SUSPENSION_HANDLERS:
        SUSPENSION_HANDLERS.append(handler)


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _audit(action: str, subscription: Subscription, **data: Any) -> None:
    with schema_context(get_public_schema_name()):
        audit_record(action, actor=None, target=subscription.community, data=data)


def _status_set(subscription: Subscription, status: str, *, event_id: str) -> None:
    old = subscription.status
    if old == status:
        return
    subscription.status = status
    if status == S.PAST_DUE and subscription.past_due_since is None:
        subscription.past_due_since = timezone.now()
    if status not in DUNNING_STATUSES:
        subscription.past_due_since = None
        subscription.reminders_sent = 0
    subscription.save()
    _audit("billing.subscription_status", subscription, old=old, new=status, event=event_id)
    if old == S.SUSPENDED and status != S.SUSPENDED:
        transaction.on_commit(lambda: _suspension_apply(subscription.community, False))
    if status == S.PAST_DUE and old not in DUNNING_STATUSES:
        _reminder_enqueue(subscription)


def _suspension_apply(community: Community, suspended: bool) -> None:
    for handler in SUSPENSION_HANDLERS:
        handler(community, suspended)


def subscription_for_stripe(obj: dict[str, Any]) -> Subscription | None:
    """The subscription a Stripe subscription/invoice/session object is about:
    by subscription id, then the ``community`` metadata, then the customer."""
    sub_id = obj.get("id") if obj.get("object") == "subscription" else obj.get("subscription")
    qs = Subscription.objects.select_for_update()
    if sub_id and (row := qs.filter(stripe_subscription_id=str(sub_id)).first()):
        return row
    schema = (obj.get("metadata") or {}).get("community") or obj.get("client_reference_id")
    if schema and (row := qs.filter(community__schema_name=str(schema)).first()):
        return row
    customer = obj.get("customer")
    if customer and (row := qs.filter(stripe_customer_id=str(customer)).first()):
        return row
    community = Community.objects.filter(schema_name=str(schema)).first() if schema else None
    plan = Plan.objects.filter(stripe_price_id=_price_id(obj)).exclude(stripe_price_id="").first()
    plan = plan or Plan.objects.filter(slug=DEFAULT_PLAN_SLUG).first()
    if community is not None and plan is not None:
        # A community on no plan yet (created before plans existed) subscribes.
        return Subscription.objects.create(community=community, plan=plan)
    return None


def _price_id(obj: dict[str, Any]) -> str:
    items = ((obj.get("items") or {}).get("data")) or []
    if not items:
        return ""
    item = items[0]
    price = item.get("price") or item.get("plan") or {}
    return str(price.get("id", "")) if isinstance(price, dict) else str(price)


def checkout_completed(subscription: Subscription, obj: dict[str, Any], *, event_id: str) -> str:
    """Remember the customer and subscription Checkout created."""
    subscription.stripe_customer_id = str(obj.get("customer") or subscription.stripe_customer_id)
    subscription.stripe_subscription_id = str(
        obj.get("subscription") or subscription.stripe_subscription_id
    )
    subscription.save()
    _audit("billing.checkout_completed", subscription, event=event_id)
    return "checkout recorded"


def stripe_subscription_sync(
    subscription: Subscription, obj: dict[str, Any], *, event_id: str, deleted: bool = False
) -> str:
    """Apply a ``customer.subscription.*`` object: plan (by price), status,
    period, trial. A canceled subscription falls back to the free plan."""
    subscription.stripe_subscription_id = str(obj.get("id") or "")
    subscription.stripe_customer_id = str(obj.get("customer") or subscription.stripe_customer_id)
    subscription.current_period_end = _ts(obj.get("current_period_end")) or _ts(
        ((obj.get("items") or {}).get("data") or [{}])[0].get("current_period_end")
    )
    subscription.trial_ends_at = _ts(obj.get("trial_end"))
    subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    status = S.CANCELED if deleted else STRIPE_STATUSES.get(str(obj.get("status")), S.ACTIVE)
    old_plan = subscription.plan.slug
    if status == S.CANCELED:
        free = Plan.objects.filter(slug=DEFAULT_PLAN_SLUG).first()
        if free is not None:
            subscription.plan = free
    else:
        plan = Plan.objects.filter(stripe_price_id=_price_id(obj)).exclude(stripe_price_id="")
        if (found := plan.first()) is not None:
            subscription.plan = found
    subscription.save()
    if subscription.plan.slug != old_plan:
        _audit(
            "billing.plan_assigned",
            subscription,
            **{"from": old_plan, "to": subscription.plan.slug, "event": event_id},
        )
    # Stripe says past_due; the platform's later dunning steps stay until paid.
    if not (status == S.PAST_DUE and subscription.status in DUNNING_STATUSES):
        _status_set(subscription, status, event_id=event_id)
    return f"subscription {subscription.status}"


def _invoice_record(subscription: Subscription, obj: dict[str, Any]) -> None:
    PlatformInvoice.objects.update_or_create(
        stripe_invoice_id=str(obj.get("id")),
        defaults={
            "subscription": subscription,
            "status": str(obj.get("status") or ""),
            "amount_due_minor": int(obj.get("amount_due") or 0),
            "amount_paid_minor": int(obj.get("amount_paid") or 0),
            "currency": str(obj.get("currency") or subscription.plan.currency).upper(),
            "hosted_invoice_url": str(obj.get("hosted_invoice_url") or ""),
            "created": _ts(obj.get("created")) or timezone.now(),
        },
    )


def invoice_paid(subscription: Subscription, obj: dict[str, Any], *, event_id: str) -> str:
    """A paid invoice ends dunning: active again, reopened if suspended. The
    zero invoice Stripe issues when a trial starts leaves the trial running."""
    _invoice_record(subscription, obj)
    trial_paid = subscription.status == S.TRIALING and int(obj.get("amount_paid") or 0) > 0
    if subscription.status in DUNNING_STATUSES or trial_paid:
        _status_set(subscription, S.ACTIVE, event_id=event_id)
        return "reinstated"
    return "invoice paid"


def invoice_payment_failed(
    subscription: Subscription, obj: dict[str, Any], *, event_id: str
) -> str:
    _invoice_record(subscription, obj)
    if subscription.status not in DUNNING_STATUSES:
        _status_set(subscription, S.PAST_DUE, event_id=event_id)
    return f"payment failed ({subscription.status})"


def _reminder_enqueue(subscription: Subscription) -> None:
    from billing.tasks import dunning_reminder_send_task

    task_enqueue_on_commit(
        dunning_reminder_send_task,
        dedupe_key=f"billing:dunning:{subscription.pk}:{subscription.reminders_sent}:{subscription.status}",
        subscription_id=subscription.pk,
        stage=str(subscription.status),
    )


def dunning_reminder_send(*, subscription_id: int, stage: str) -> bool:
    """Email the community's owners once per stage of a dunning period."""
    subscription = (
        Subscription.objects.select_related("community", "plan").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.past_due_since is None:
        return False
    from themes.mail import email_send

    key = f"billing:dunning:{subscription.pk}:{subscription.past_due_since.isoformat()}:{stage}"
    community = subscription.community
    with schema_context(community.schema_name), effect_once(key) as first:
        if not first:
            return False
        owners = list(
            get_user_model()
            .objects.filter(groups__name="owner", is_active=True)
            .values_list("email", flat=True)
        )
        if owners:
            with translation.override(community.language):
                email_send(
                    template_prefix="billing/email/dunning",
                    context={
                        "community": community,
                        "plan": subscription.plan,
                        "stage": stage,
                        "read_only_days": settings.PISTA_DUNNING_READ_ONLY_AFTER_DAYS,
                        "link": community_url(community=community) + "/settings/plan/",
                    },
                    to=owners,
                )
    Subscription.objects.filter(pk=subscription.pk).update(
        reminders_sent=subscription.reminders_sent + 1
    )
    return True


def dunning_run(*, now: datetime | None = None) -> list[tuple[str, str]]:
    """The beat's step: past due long enough → read-only → suspended.
    Returns (community slug, new status) for each change."""
    now = now or timezone.now()
    read_only_at = now - timedelta(days=settings.PISTA_DUNNING_READ_ONLY_AFTER_DAYS)
    suspend_at = now - timedelta(days=settings.PISTA_DUNNING_SUSPEND_AFTER_DAYS)
    changes = []
    steps = [
        (S.PAST_DUE, read_only_at, S.READ_ONLY),
        (S.READ_ONLY, suspend_at, S.SUSPENDED),
        (S.PAST_DUE, suspend_at, S.SUSPENDED),
    ]
    for current, due, target in reversed(steps):
        ids = Subscription.objects.filter(status=current, past_due_since__lte=due).values_list(
            "pk", flat=True
        )
        for pk in list(ids):
            with transaction.atomic():
                row = (
                    Subscription.objects.select_for_update().select_related("community").get(pk=pk)
                )
                if row.status != current:
                    continue
                _status_set(row, target, event_id="dunning")
                _reminder_enqueue(row)
                if target == S.SUSPENDED:
                    transaction.on_commit(partial(_suspension_apply, row.community, True))
                changes.append((row.community.slug, str(target)))
    return changes


def trial_expiry_run(*, now: datetime | None = None) -> list[str]:
    """The beat's step for trials Stripe does not bill (given by operators):
    one whose end has passed moves to the free plan, active. Stripe's own
    trials end through its webhooks. Returns the communities' slugs."""
    now = now or timezone.now()
    free = Plan.objects.filter(slug=DEFAULT_PLAN_SLUG).first()
    if free is None:
        return []
    ids = Subscription.objects.filter(
        status=S.TRIALING, stripe_subscription_id="", trial_ends_at__lte=now
    ).values_list("pk", flat=True)
    moved = []
    for pk in list(ids):
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().select_related("community", "plan")
            row = locked.get(pk=pk)
            if row.status != S.TRIALING or row.stripe_subscription_id or row.trial_ends_at is None:
                continue
            if row.trial_ends_at > now:
                continue
            old_plan = row.plan.slug
            row.plan = free
            row.trial_ends_at = None
            row.save()
            _audit("billing.trial_expired", row, **{"from": old_plan, "to": free.slug})
            _status_set(row, S.ACTIVE, event_id="trial-expiry")
            moved.append(row.community.slug)
    return moved


TRIAL_EXTENSION_MAX_DAYS = 90


class TrialNotRunning(ApplicationError):
    default_code = "trial_not_running"
    status_code = 409


def trial_extend(*, community: Community, days: int) -> Subscription:
    """Push the community's running trial ``days`` further (operators; the
    console audits it), at Stripe too when Stripe bills it. Raises
    TrialNotRunning, ApplicationError (days out of 1…90), StripeUnavailable."""
    if not 1 <= days <= TRIAL_EXTENSION_MAX_DAYS:
        raise ApplicationError(
            _("A trial can be extended by 1 to %(max)d days.") % {"max": TRIAL_EXTENSION_MAX_DAYS},
            code="trial_extension_invalid",
        )
    with transaction.atomic():
        row = Subscription.objects.select_for_update().filter(community=community).first()
        if row is None or row.status != S.TRIALING:
            raise TrialNotRunning(
                _("%(name)s is not on a trial: there is nothing to extend.")
                % {"name": community.name}
            )
        now = timezone.now()
        start = row.trial_ends_at if row.trial_ends_at and row.trial_ends_at > now else now
        row.trial_ends_at = start + timedelta(days=days)
        if row.stripe_subscription_id:
            stripe_gateway.subscription_trial_end_set(
                subscription_id=row.stripe_subscription_id,
                trial_end=int(row.trial_ends_at.timestamp()),
            )
        row.save(update_fields=["trial_ends_at", "updated"])
    return row
