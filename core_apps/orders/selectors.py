"""Reads about orders: by magic link, for staff, attendee lists."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    CheckIn,
    CheckinList,
    Invoice,
    Order,
    OrderLog,
    PaymentSettings,
    Position,
    PromoCode,
    WaitlistEntry,
)
from core_apps.ticketing.models import Product
from pista.errors import NotFound

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.events.models import EventDate


def payments_set_up() -> bool:
    """Whether the community can take card payments: a connected payment
    account is stored (an onboarding step)."""
    from core_apps.orders.models import PaymentSettings

    return PaymentSettings.objects.exclude(stripe_account_id="").exists()


def order_for_buyer(*, code: str, secret: str) -> Order:
    """The order behind a magic link. Raises NotFound (same answer for a wrong
    code and a wrong secret)."""
    order = Order.objects.filter(code=code).first()
    if order is None or not secrets.compare_digest(order.secret, secret or ""):
        raise NotFound(_("No such order."), code="order_unknown")
    return order


def order_for_staff(*, code: str, actor: User) -> Order:
    if not actor.has_perm("orders.view_order"):
        raise NotFound(_("No such order."), code="order_unknown")
    order = Order.objects.filter(code=code).first()
    if order is None:
        raise NotFound(_("No such order."), code="order_unknown")
    return order


def order_for_request(*, code: str, secret: str, actor: User | None) -> Order:
    """Staff see every order of their community; buyers need the magic link."""
    if actor is not None and actor.is_authenticated and actor.has_perm("orders.view_order"):
        return order_for_staff(code=code, actor=actor)
    return order_for_buyer(code=code, secret=secret)


def waitlist_entry_by_secret(*, secret: str) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_related("product").filter(secret=secret).first()
    if entry is None:
        raise NotFound(_("No such waitlist entry."), code="waitlist_unknown")
    return entry


def attendees_for_product(*, product_id: int) -> QuerySet[Position]:
    return (
        Position.objects.filter(product_id=product_id, status=Position.Status.VALID)
        .filter(order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED])
        .select_related("order", "product")
        .order_by("attendee_name", "pk")
    )


def positions_search(*, query: str, limit: int = 20) -> list[Position]:
    """Manual check-in search: valid, paid tickets by attendee name, email or order code."""
    return list(
        Position.objects.filter(status=Position.Status.VALID)
        .filter(order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED])
        .filter(
            Q(attendee_name__icontains=query)
            | Q(attendee_email__icontains=query)
            | Q(order__code__iexact=query)
        )
        .select_related("order", "product")[:limit]
    )


@dataclass(frozen=True)
class SelfCancelTerms:
    """Whether the buyer may cancel a paid order now, what comes back, and until when."""

    allowed: bool
    refund_minor: int = 0
    deadline: datetime | None = None
    reason: str = ""  # the refusal's code when not allowed


def _product_starts_at(product: Product) -> datetime | None:
    dates = [d.starts_at for d in product.covers_dates.all()]
    if dates:
        return min(dates)
    return product.event.starts_at if product.event is not None else None


def order_self_cancel_terms(*, order: Order, now: datetime | None = None) -> SelfCancelTerms:
    """The product's policy applied to a paid order: every ticket's product must
    allow self-cancellation and the earliest deadline must not have passed. The
    refund is each ticket's price times the product's percentage, minus its fee
    (never below zero, never more than what is left to refund)."""
    now = now or timezone.now()
    if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
        return SelfCancelTerms(allowed=False, reason="order_state")
    positions = list(
        order.positions.filter(status=Position.Status.VALID)
        .select_related("product__event")
        .prefetch_related("product__covers_dates")
    )
    if not positions:
        return SelfCancelTerms(allowed=False, reason="order_state")
    if any(p.checked_in_at is not None for p in positions):
        return SelfCancelTerms(allowed=False, reason="cancel_used")
    deadlines: list[datetime] = []
    refund = 0
    for position in positions:
        product = position.product
        start = _product_starts_at(product)
        if product.cancel_days_before is None or start is None:
            return SelfCancelTerms(allowed=False, reason="cancel_not_allowed")
        deadlines.append(start - timedelta(days=product.cancel_days_before))
        share = position.price_minor * min(product.cancel_refund_percent, 100) // 100
        refund += max(0, share - product.cancel_fee_minor)
    deadline = min(deadlines)
    if now >= deadline:
        return SelfCancelTerms(allowed=False, deadline=deadline, reason="cancel_window_closed")
    refund = min(refund, order.total_minor - order.refunded_minor)
    return SelfCancelTerms(allowed=True, refund_minor=refund, deadline=deadline)


def orders_of_user(*, user: User) -> QuerySet[Order]:
    """Orders placed while signed in with this account, newest first."""
    return Order.objects.filter(user=user).exclude(status=Order.Status.EXPIRED).order_by("-pk")


def positions_claimed_by(*, user: User) -> QuerySet[Position]:
    """Partner tickets this account claimed."""
    return Position.objects.filter(holder=user).select_related("product", "order").order_by("-pk")


# --- Check-in lists ------------------------------------------------------------


def checkin_lists_for_staff(*, event_id: int | None = None) -> QuerySet[CheckinList]:
    """Every check-in list (of one event), with its admissions counted."""
    lists = CheckinList.objects.select_related("event", "event_date").annotate(
        admitted=Count("checkins", filter=Q(checkins__undone_at__isnull=True))
    )
    if event_id is not None:
        lists = lists.filter(event_id=event_id)
    return lists.order_by("-event__starts_at", "event_id", "event_date__starts_at", "pk")


def checkin_list_for_staff(*, pk: int) -> CheckinList:
    """Raises NotFound."""
    found = (
        CheckinList.objects.select_related("event", "event_date")
        .prefetch_related("products")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such check-in list."), code="checkin_list_unknown")
    return found


def _positions_for_list(checkin_list: CheckinList) -> QuerySet[Position]:
    """Valid, paid tickets this list admits (its products, else every product
    for its event)."""
    positions = Position.objects.filter(
        status=Position.Status.VALID,
        order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
    )
    product_ids = [p.pk for p in checkin_list.products.all()]
    if product_ids:
        return positions.filter(product_id__in=product_ids)
    event_id = checkin_list.event_id
    for_event = Product.objects.filter(
        Q(event_id=event_id) | Q(covers_events__id=event_id) | Q(covers_dates__event_id=event_id)
    ).values("pk")
    return positions.filter(product_id__in=for_event)


@dataclass(frozen=True)
class CheckinListCounts:
    admitted: int  # admissions on the list (every date)
    expected: int  # tickets the list admits
    admitted_now: int  # admissions for the list's date, or the date nearest now

    @property
    def percent(self) -> int:
        return round(100 * self.admitted_now / self.expected) if self.expected else 0


def checkin_list_counts(
    *, checkin_list: CheckinList, now: datetime | None = None
) -> CheckinListCounts:
    """Live counts for the scanner page (three queries)."""
    now = now or timezone.now()
    active = CheckIn.objects.filter(checkin_list=checkin_list, undone_at__isnull=True)
    occurrence = checkin_occurrence(checkin_list, now)
    return CheckinListCounts(
        admitted=active.count(),
        expected=_positions_for_list(checkin_list).count(),
        admitted_now=active.filter(occurrence=occurrence).count() if occurrence else active.count(),
    )


def checkin_occurrence(checkin_list: CheckinList, now: datetime) -> datetime | None:
    """The date a scan on this list at ``now`` counts for (its
    ``original_start``): the list's own date, else the event's scheduled date
    nearest ``now``; None for an event without dates."""
    if checkin_list.event_date is not None:
        return checkin_list.event_date.original_start
    dates = list(
        checkin_list.event.dates.filter(status="scheduled").values_list(
            "original_start", "starts_at"
        )
    )
    if not dates:
        return None
    return min(dates, key=lambda d: abs((d[1] - now).total_seconds()))[0]


def checkin_list_search(
    *, checkin_list: CheckinList, query: str, limit: int = 20
) -> list[Position]:
    """Tickets this list admits whose attendee name, email or order code
    matches, each with ``admitted_here`` (its admission on the list for now's
    date, or None)."""
    query = query.strip()
    if not query:
        return []
    found = list(
        _positions_for_list(checkin_list)
        .filter(
            Q(attendee_name__icontains=query)
            | Q(attendee_email__icontains=query)
            | Q(order__code__iexact=query)
            | Q(order__name__icontains=query)
        )
        .select_related("order", "product")
        .order_by("attendee_name", "pk")[:limit]
    )
    occurrence = checkin_occurrence(checkin_list, timezone.now())
    admitted = {
        c.position_id: c
        for c in CheckIn.objects.filter(
            checkin_list=checkin_list,
            undone_at__isnull=True,
            occurrence=occurrence,
            position__in=found,
        )
    }
    for position in found:
        position.admitted_here = admitted.get(position.pk)  # type: ignore[attr-defined]
    return found


def checkins_recent(*, checkin_list: CheckinList, limit: int = 15) -> list[CheckIn]:
    """The list's latest admissions (undone ones too), newest first."""
    return list(
        CheckIn.objects.filter(checkin_list=checkin_list)
        .select_related("position__product", "position__order", "actor")
        .order_by("-pk")[:limit]
    )


def checkin_for_staff(*, pk: int, checkin_list: CheckinList | None = None) -> CheckIn:
    """Raises NotFound."""
    found = CheckIn.objects.filter(pk=pk)
    if checkin_list is not None:
        found = found.filter(checkin_list=checkin_list)
    checkin = found.select_related("position").first()
    if checkin is None:
        raise NotFound(_("No such check-in."), code="checkin_unknown")
    return checkin


# --- Promo codes -----------------------------------------------------------------

PAID_STATUSES = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED]


def promo_codes_for_staff() -> QuerySet[PromoCode]:
    """Every promo code with its use: paid orders and the discount they got."""
    paid = Q(order__status__in=PAID_STATUSES)
    return (
        PromoCode.objects.prefetch_related("products")
        .annotate(
            paid_orders=Count("order", filter=paid),
            discount_given=Sum("order__discount_minor", filter=paid),
        )
        .order_by("-is_active", "code")
    )


def promo_code_for_staff(*, pk: int) -> PromoCode:
    """Raises NotFound."""
    promo = PromoCode.objects.prefetch_related("products").filter(pk=pk).first()
    if promo is None:
        raise NotFound(_("No such promo code."), code="promo_code_unknown")
    return promo


def product_unlocked_by(*, product: Product, code: str) -> bool:
    """Whether ``code`` opens a hidden product: its own unlock code, or an
    active promo code that lists it."""
    code = code.strip()
    if not code:
        return False
    if product.unlock_code and code.lower() == product.unlock_code.strip().lower():
        return True
    return PromoCode.objects.filter(code__iexact=code, is_active=True, products=product).exists()


def promo_code_exists(*, code: str) -> bool:
    return bool(code.strip()) and PromoCode.objects.filter(code__iexact=code.strip()).exists()


# --- Waitlists -----------------------------------------------------------------------


@dataclass
class WaitlistSummary:
    product_id: int
    product_name: str
    role: str
    counts: dict[str, int]

    @property
    def waiting(self) -> int:
        return self.counts.get(WaitlistEntry.Status.WAITING, 0)


def waitlists_summary() -> list[WaitlistSummary]:
    """Per product and role: how many wait, were offered, claimed, declined,
    let the offer expire or left (one aggregate query)."""
    rows = (
        WaitlistEntry.objects.values("product_id", "product__name", "role", "status")
        .annotate(n=Count("pk"))
        .order_by("product__name", "product_id", "role")
    )
    summaries: dict[tuple[int, str], WaitlistSummary] = {}
    for row in rows:
        key = (row["product_id"], row["role"])
        if key not in summaries:
            summaries[key] = WaitlistSummary(
                row["product_id"], row["product__name"], row["role"], {}
            )
        summaries[key].counts[row["status"]] = row["n"]
    return list(summaries.values())


def waitlist_entries_for_product(*, product_id: int) -> list[WaitlistEntry]:
    """A product's waitlist in order, each waiting entry with its ``place`` in
    line among those of its role (couples line up together)."""
    entries = list(
        WaitlistEntry.objects.filter(product_id=product_id).select_related("order").order_by("pk")
    )
    ahead: dict[str, int] = {}
    for entry in entries:
        entry.place = None  # type: ignore[attr-defined]
        if entry.status == WaitlistEntry.Status.WAITING:
            key = "couple" if entry.partner_email else entry.role
            ahead[key] = ahead.get(key, 0) + 1
            entry.place = ahead[key]  # type: ignore[attr-defined]
    return entries


def waitlist_entry_for_staff(*, pk: int) -> WaitlistEntry:
    """Raises NotFound."""
    entry = WaitlistEntry.objects.select_related("product").filter(pk=pk).first()
    if entry is None:
        raise NotFound(_("No such waitlist entry."), code="waitlist_unknown")
    return entry


def payment_settings_current() -> PaymentSettings:
    """The community's payment settings (an unsaved row of defaults before the
    first save)."""
    return PaymentSettings.objects.order_by("pk").first() or PaymentSettings()


def bank_transfer_details() -> dict[str, str] | None:
    """What a bank-transfer buyer needs to pay (account holder, IBAN, BIC,
    bank), or None when the community has entered no account."""
    from stdnum import iban as stdnum_iban

    row = payment_settings_current()
    if not row.iban:
        return None
    return {
        "holder": row.bank_account_holder or row.legal_name,
        "iban": stdnum_iban.format(row.iban),
        "bic": row.bic,
        "bank": row.bank_name,
    }


@dataclass(frozen=True)
class StaffOrderFilters:
    """What the back office's order list is narrowed to; empty values don't filter."""

    query: str = ""
    status: str = ""
    product_id: int | None = None
    event_id: int | None = None
    event_date_id: int | None = None
    provider: str = ""
    created_from: datetime | None = None
    created_until: datetime | None = None


def orders_for_staff(*, filters: StaffOrderFilters) -> QuerySet[Order]:
    """The community's orders, newest first, searched by code, buyer or
    attendee name and email, filtered by status, product, event or date,
    payment provider and creation time (``created_until`` exclusive)."""
    from django.db.models import Q

    orders = Order.objects.select_related("event")
    positions = Position.objects.all()
    narrowed = False
    if filters.query:
        text = filters.query.strip()
        orders = orders.filter(
            Q(code__iexact=text)
            | Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(
                pk__in=Position.objects.filter(
                    Q(attendee_name__icontains=text) | Q(attendee_email__icontains=text)
                ).values("order_id")
            )
        )
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.provider:
        orders = orders.filter(provider=filters.provider)
    if filters.created_from:
        orders = orders.filter(created__gte=filters.created_from)
    if filters.created_until:
        orders = orders.filter(created__lt=filters.created_until)
    if filters.product_id:
        positions = positions.filter(product_id=filters.product_id)
        narrowed = True
    if filters.event_id:
        orders = orders.filter(
            Q(event_id=filters.event_id)
            | Q(
                pk__in=Position.objects.filter(
                    Q(product__event_id=filters.event_id)
                    | Q(product__covers_events=filters.event_id)
                ).values("order_id")
            )
        )
    if filters.event_date_id:
        positions = positions.filter(product__covers_dates=filters.event_date_id)
        narrowed = True
    if narrowed:
        orders = orders.filter(pk__in=positions.values("order_id"))
    return orders.order_by("-created", "-pk")


def order_detail_for_staff(*, code: str) -> Order:
    """One order of the community with what its back-office page shows
    (positions and products, refunds, invoices, log). Raises NotFound."""
    from django.db.models import Prefetch

    order = (
        Order.objects.filter(code=code)
        .select_related("event", "promo_code")
        .prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("product")),
            "refunds",
            "invoices",
            Prefetch("log", queryset=OrderLog.objects.select_related("actor")),
        )
        .first()
    )
    if order is None:
        raise NotFound(_("No such order."), code="order_unknown")
    return order


def position_of_order(*, order: Order, position_id: int) -> Position:
    """A ticket of ``order``. Raises NotFound (another order's ticket too)."""
    position = Position.objects.filter(order=order, pk=position_id).select_related("order").first()
    if position is None:
        raise NotFound(_("No such ticket in this order."))
    return position


def order_audit_entries(*, order: Order) -> QuerySet:
    """The audit log's entries about ``order``, newest first."""
    from core_apps.privacy.models import AuditEntry

    return AuditEntry.objects.filter(
        target_type=Order._meta.label_lower, target_id=str(order.pk)
    ).order_by("-created_at", "-pk")


def invoice_of_order(*, order: Order, number: int) -> Invoice:
    """An invoice or credit note of ``order``. Raises NotFound."""
    invoice = order.invoices.filter(number=number).first()
    if invoice is None:
        raise NotFound(_("No such invoice for this order."))
    return invoice


# --- API lists (filtered and ordered by the API's FilterSets) -------------------


def orders_list_for_staff() -> QuerySet[Order]:
    """Every order of the community with its tickets, for the API's list."""
    return Order.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("product"))
    )


def positions_for_staff() -> QuerySet[Position]:
    """Every ticket of the community with its order and product."""
    return Position.objects.select_related("order", "product")


def invoices_for_staff() -> QuerySet[Invoice]:
    """Every invoice and credit note of the community with its order."""
    return Invoice.objects.select_related("order")


def waitlist_entries_for_staff() -> QuerySet[WaitlistEntry]:
    """Every waitlist entry of the community."""
    return WaitlistEntry.objects.all()


def product_dates_to_choose(*, product: Product) -> list[EventDate]:
    """The dates a buyer picks from for a ticket to one date of a recurring
    event (its scheduled dates still to come); empty for every other product
    (passes, single-date events, add-ons)."""
    from core_apps.events.models import EventDate

    event = product.event
    if product.kind != Product.Kind.TICKET or event is None or not event.recurrence:
        return []
    return list(
        EventDate.objects.filter(
            event=event, status=EventDate.Status.SCHEDULED, starts_at__gt=timezone.now()
        ).order_by("starts_at")
    )
