"""Waitlist: join, offers that hold their place, claim, decline, expiry."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    Order,
    WaitlistEntry,
)
from core_apps.orders.services.checkout import positions_create
from core_apps.orders.services.common import order_code_new, order_log
from core_apps.orders.services.errors import InvalidProvider, NotOnSale, OrderStateConflict
from core_apps.orders.services.holds import places_freed
from core_apps.orders.services.payments import order_paid_effects
from core_apps.orders.services.registrations import (
    AttendeeIn,
    Registration,
    attendee_validate,
    waitlist_entry_build,
)
from core_apps.privacy.services import audit_record
from core_apps.ticketing.balance import DanceRole
from core_apps.ticketing.selectors import (
    product_balances_roles,
    product_for_sale,
    product_quota_ids,
)
from core_apps.ticketing.services import (
    RoleImbalance,
    SoldOut,
    quotas_release,
    quotas_reserve,
)
from pista.domain_events import domain_event_emit
from pista.errors import Conflict, PermissionDenied
from tenants.current import community_current

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.ticketing.models import Product


def waitlist_join(
    *,
    product: Product,
    name: str,
    email: str,
    role: str = "",
    partner_name: str = "",
    partner_email: str = "",
) -> WaitlistEntry:
    """Put someone on a product's waitlist. Raises InvalidAttendee, InvalidRole."""
    attendee = AttendeeIn(
        name=name, email=email, role=role, partner_name=partner_name, partner_email=partner_email
    )
    attendee_validate(product=product, attendee=attendee)
    entry = waitlist_entry_build(
        registration=Registration(product, attendee, couple=bool(partner_email))
    )
    entry.save()
    domain_event_emit(
        "registration.waitlisted", product=product.pk, waitlist_entry=entry.pk, role=entry.role
    )
    return entry


def waitlist_offer_next(*, product_id: int) -> list[WaitlistEntry]:
    """Offer freed places to the next people waiting, in order, per role: each
    offer holds its place (reserved like a checkout) until it is claimed,
    declined or expires."""
    hours = int(getattr(settings, "PISTA_WAITLIST_OFFER_HOURS", 24))
    product = product_for_sale(pk=product_id)
    offered: list[WaitlistEntry] = []
    if product is None:
        return offered
    quota_ids = product_quota_ids(product=product)
    balanced = product_balances_roles(product=product)
    skipped_roles: set[str] = set()
    for entry in WaitlistEntry.objects.filter(
        product=product, status=WaitlistEntry.Status.WAITING
    ).order_by("pk"):
        couple = bool(entry.partner_email)
        key = "couple" if couple else entry.role
        if key in skipped_roles:
            continue  # someone ahead in the same role is still waiting
        try:
            with transaction.atomic():
                reserved = quotas_reserve(
                    quota_ids_with_counts=dict.fromkeys(quota_ids, 2 if couple else 1),
                    role=(entry.role or None) if balanced and not couple else None,
                    couple=couple,
                )
                placed = next((r.role for r in reserved if r.role is not None), None)
                updated = WaitlistEntry.objects.filter(
                    pk=entry.pk, status=WaitlistEntry.Status.WAITING
                ).update(
                    status=WaitlistEntry.Status.OFFERED,
                    offer_expires_at=timezone.now() + timedelta(hours=hours),
                    role=str(placed) if placed else entry.role,
                )
                if not updated:
                    raise Conflict("taken meanwhile")
                domain_event_emit(
                    "registration.admitted", product=product.pk, waitlist_entry=entry.pk
                )
        except (SoldOut, RoleImbalance, Conflict):
            skipped_roles.add(key)
            continue
        entry.refresh_from_db()
        offered.append(entry)
        from core_apps.orders.mail import waitlist_offer_send

        waitlist_offer_send(entry=entry)
    return offered


def _waitlist_release(entry: WaitlistEntry) -> None:
    couple = bool(entry.partner_email)
    quota_ids = product_quota_ids(product=entry.product)
    quotas_release(
        quota_ids_with_counts=dict.fromkeys(quota_ids, 2 if couple else 1),
        leads=1 if couple or entry.role == DanceRole.LEAD else 0,
        follows=1 if couple or entry.role == DanceRole.FOLLOW else 0,
    )


def waitlist_claim(*, entry: WaitlistEntry, provider: str) -> Order:
    """Turn an offer into a pending order holding the offered place(s).
    Raises OrderStateConflict (not offered / expired), InvalidProvider."""
    if provider not in Order.Provider.values or provider == Order.Provider.STRIPE:
        raise InvalidProvider(_("Unknown payment method %(provider)r.") % {"provider": provider})
    community = community_current()
    now = timezone.now()
    product = entry.product
    with transaction.atomic():
        if not WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
        ).update(status=WaitlistEntry.Status.CLAIMED):
            raise OrderStateConflict(_("This offer is no longer open."), code="offer_closed")
        order = Order.objects.create(
            code=order_code_new(),
            secret=secrets.token_urlsafe(24),
            event_id=product.event_id,
            email=entry.email,
            name=entry.name,
            provider=provider,
            currency=community.currency,
            language=community.language,
        )
        attendee = AttendeeIn(
            name=entry.name,
            email=entry.email,
            role=entry.role,
            partner_name=entry.partner_name,
            partner_email=entry.partner_email,
        )
        couple = bool(entry.partner_email)
        roles: list[str] = [DanceRole.LEAD, DanceRole.FOLLOW] if couple else [entry.role]
        fresh = product_for_sale(pk=product.pk)
        if fresh is None:  # a product with sold tickets is protected from deletion
            raise OrderStateConflict(_("This offer is no longer open."), code="offer_closed")
        positions_create(
            order=order,
            admitted=[(Registration(fresh, attendee, couple), [str(r) for r in roles])],
            promo=None,
            promo_products=set(),
            now=now,
        )
        WaitlistEntry.objects.filter(pk=entry.pk).update(order=order)
        order_log(order=order, action="waitlist.claimed", entry=entry.pk)
        if order.status == Order.Status.PAID:
            order_paid_effects(order=order)
    return order


def waitlist_decline(*, entry: WaitlistEntry) -> None:
    """Decline an offer or leave the list; an offered place goes to the next."""
    with transaction.atomic():
        if WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.OFFERED).update(
            status=WaitlistEntry.Status.DECLINED
        ):
            _waitlist_release(entry)
            places_freed(product_ids={entry.product_id})
            return
        if not WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.WAITING
        ).update(status=WaitlistEntry.Status.LEFT):
            raise OrderStateConflict(_("You're no longer on this waitlist."), code="offer_closed")


def waitlist_offers_expire(*, now: datetime | None = None) -> int:
    """Expire unclaimed offers; their places go to the next in line."""
    now = now or timezone.now()
    count = 0
    for entry in WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    ):
        with transaction.atomic():
            if WaitlistEntry.objects.filter(
                pk=entry.pk, status=WaitlistEntry.Status.OFFERED
            ).update(status=WaitlistEntry.Status.EXPIRED):
                _waitlist_release(entry)
                places_freed(product_ids={entry.product_id})
                count += 1
    return count


def _staff_require(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("orders.change_waitlistentry"):
        raise PermissionDenied(gettext("Staff only."))


def waitlist_entry_offer(*, entry: WaitlistEntry, actor: User | None) -> WaitlistEntry:
    """Staff offer a place to this person now, ahead of the line: the place is
    held (reserved like a checkout) until claimed, declined or expired.
    Raises PermissionDenied, OrderStateConflict (not waiting), SoldOut,
    RoleImbalance, NotOnSale (product gone)."""
    _staff_require(actor)
    hours = int(getattr(settings, "PISTA_WAITLIST_OFFER_HOURS", 24))
    product = product_for_sale(pk=entry.product_id)
    if product is None:
        raise NotOnSale(gettext("This product is no longer on sale."))
    couple = bool(entry.partner_email)
    balanced = product_balances_roles(product=product)
    with transaction.atomic():
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != WaitlistEntry.Status.WAITING:
            raise OrderStateConflict(
                gettext("Only someone still waiting can be offered a place."),
                code="not_waiting",
            )
        reserved = quotas_reserve(
            quota_ids_with_counts=dict.fromkeys(
                product_quota_ids(product=product), 2 if couple else 1
            ),
            role=(locked.role or None) if balanced and not couple else None,
            couple=couple,
        )
        placed = next((r.role for r in reserved if r.role is not None), None)
        locked.status = WaitlistEntry.Status.OFFERED
        locked.offer_expires_at = timezone.now() + timedelta(hours=hours)
        locked.role = str(placed) if placed else locked.role
        locked.save(update_fields=["status", "offer_expires_at", "role"])
        audit_record(
            "waitlist.offer",
            actor=actor,
            target=locked,
            data={"product": product.pk, "role": locked.role, "manual": True},
        )
    from core_apps.orders.mail import waitlist_offer_send

    waitlist_offer_send(entry=locked)
    return locked


def waitlist_entry_remove(*, entry: WaitlistEntry, actor: User | None) -> WaitlistEntry:
    """Staff take someone off the list; a place offered to them goes to the
    next in line. Raises PermissionDenied, OrderStateConflict (already off)."""
    _staff_require(actor)
    with transaction.atomic():
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        was = locked.status
        if was not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
            raise OrderStateConflict(
                gettext("This person is no longer on the waitlist."), code="not_waiting"
            )
        locked.status = WaitlistEntry.Status.LEFT
        locked.save(update_fields=["status"])
        if was == WaitlistEntry.Status.OFFERED:
            _waitlist_release(locked)
        audit_record(
            "waitlist.remove",
            actor=actor,
            target=locked,
            data={"product": locked.product_id, "was": was},
        )
        if was == WaitlistEntry.Status.OFFERED:
            places_freed(product_ids={locked.product_id})
    return locked
