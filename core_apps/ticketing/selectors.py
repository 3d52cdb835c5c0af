"""Reads about the catalogue: what is on sale, at what price, with what left."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.events.models import Event, EventDate
from core_apps.ticketing.balance import DanceRole, balance_decide
from core_apps.ticketing.models import Product, Quota, RoleMode
from core_apps.ticketing.services import (
    ROLE_WAITING_MESSAGES,
    RoleImbalance,
    SoldOut,
    quota_rules,
)
from pista.errors import NotFound


def products_for_event(*, event: Event, unlock_code: str = "") -> QuerySet[Product]:
    """Published products sold on an event or covering it; hidden ones only with
    their unlock code. Quotas, tiers and questions are prefetched."""
    visible = Q(is_hidden=False)
    if unlock_code.strip():
        visible |= Q(is_hidden=True, unlock_code__iexact=unlock_code.strip())
    return (
        Product.objects.filter(Q(event=event) | Q(covers_events=event))
        .filter(visible, status=Product.Status.PUBLISHED)
        .distinct()
        .prefetch_related("quotas", "tiers", "questions")
        .order_by("position", "pk")
    )


def products_for_checkout(*, product_ids: Iterable[int]) -> dict[int, Product]:
    """The products of a cart by pk (any status: the caller checks what is on
    sale), with their event, quotas, tiers and questions."""
    return {
        p.pk: p
        for p in Product.objects.filter(pk__in=set(product_ids))
        .select_related("event")
        .prefetch_related("quotas", "tiers", "questions")
    }


def product_for_sale(*, pk: int) -> Product | None:
    """One product with quotas, tiers and questions prefetched; None if gone."""
    return Product.objects.filter(pk=pk).prefetch_related("quotas", "tiers", "questions").first()


def product_on_sale(*, pk: int, hidden_too: bool = True) -> Product | None:
    """A published product (hidden ones too unless ``hidden_too`` is False),
    with quotas, tiers and questions prefetched; None otherwise. Its sale
    window is the caller's to check."""
    products = Product.objects.filter(pk=pk, status=Product.Status.PUBLISHED)
    if not hidden_too:
        products = products.filter(is_hidden=False)
    return products.prefetch_related("quotas", "tiers", "questions").first()


def product_balances_roles(*, product: Product) -> bool:
    """Whether one of the product's (prefetched) quotas balances roles, so each
    dancer needs a role or a partner."""
    return any(q.role_mode != RoleMode.OFF for q in product.quotas.all())


def product_quota_ids(*, product: Product) -> list[int]:
    """The pks of the quotas a product draws on, in pk order (prefetched ones
    when present)."""
    return sorted(q.pk for q in product.quotas.all())


def product_ids_for_event(*, event_id: int) -> set[int]:
    """The products sold on an event (not those that merely cover it)."""
    return set(Product.objects.filter(event_id=event_id).values_list("pk", flat=True))


def product_ids_void_for_date(*, event_date_id: int) -> set[int]:
    """The products a cancelled date leaves with nothing to attend: those
    covering this date whose covered dates are all cancelled, and the event's
    own products when none of its dates is still on."""
    date = EventDate.objects.select_related("event").filter(pk=event_date_id).first()
    if date is None:
        return set()
    cancelled = EventDate.Status.CANCELLED
    ids = {
        p.pk
        for p in Product.objects.filter(covers_dates=date).prefetch_related("covers_dates")
        if all(d.status == cancelled for d in p.covers_dates.all())
    }
    if not date.event.dates.exclude(status=cancelled).exists():
        ids |= product_ids_for_event(event_id=date.event_id)
    return ids


def product_admission_precheck(
    *, product: Product, role: DanceRole | str | None, couple: bool
) -> None:
    """Refuse a registration that the product's quota rows, as just read,
    already refuse: a snapshot without a lock, so only a refusal is final; an
    admission is decided again under the row lock by ``quotas_reserve``.
    Raises SoldOut and RoleImbalance like ``quotas_reserve``."""
    n = 2 if couple else 1
    for quota in product.quotas.all():
        if quota.size - quota.sold < n:
            raise SoldOut(_("This is sold out."), extra={"quota_id": quota.pk})
        if couple or quota.role_mode == RoleMode.OFF or not role:
            continue
        decision = balance_decide(
            rules=quota_rules(quota=quota),
            leads=quota.sold_lead,
            follows=quota.sold_follow,
            role=role,
        )
        if not decision.admitted:
            waiting = decision.waitlist[0]
            raise RoleImbalance(
                str(ROLE_WAITING_MESSAGES[waiting]),
                extra={"quota_id": quota.pk, "role": str(waiting)},
            )


def products_for_staff() -> QuerySet[Product]:
    return Product.objects.select_related("event").prefetch_related("quotas").order_by("-pk")


def product_for_staff(*, pk: int) -> Product:
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise NotFound(_("No such product."))
    return product


def quota_for_staff(*, pk: int) -> Quota:
    quota = Quota.objects.filter(pk=pk).first()
    if quota is None:
        raise NotFound(_("No such quota."))
    return quota


@dataclass(frozen=True)
class Price:
    minor: int
    currency: str
    tier: str | None  # the name of the early-bird tier in force, if any

    @property
    def amount(self) -> str:
        """For display: minor units as a decimal (two-decimal currencies)."""
        return f"{Decimal(self.minor) / 100:.2f}"


def product_price_current(*, product: Product, now: datetime | None = None) -> Price:
    """The price now: the first tier still valid (by date and by number sold), else
    the product's own price. Uses prefetched tiers when present."""
    now = now or timezone.now()
    for tier in product.tiers.all():
        if tier.ends_at is not None and now >= tier.ends_at:
            continue
        if tier.first_n is not None and product.sold_count >= tier.first_n:
            continue
        return Price(tier.price_minor, product.currency, tier.name)
    return Price(product.price_minor, product.currency, None)


@dataclass(frozen=True)
class Availability:
    """What is left of a product.

    ``left`` is the smallest room among its quotas (None: no quota). ``roles``
    maps each role to "available", "waitlist" or "sold out" when one of its
    quotas balances roles; empty otherwise. ``role_left`` says how many dancers
    of each role could register now, one after the other, before the balance
    or the size stops them (what "follows: 6 left" shows).
    """

    on_sale: bool
    left: int | None
    roles: dict[str, str] = field(default_factory=dict)
    role_left: dict[str, int] = field(default_factory=dict)


def _roles_status(quotas: Iterable[Quota], left: int | None) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for quota in quotas:
        if quota.role_mode == RoleMode.OFF:
            continue
        rules = quota_rules(quota=quota)
        for role in (DanceRole.LEAD, DanceRole.FOLLOW):
            decision = balance_decide(
                rules=rules, leads=quota.sold_lead, follows=quota.sold_follow, role=role
            )
            status = "available" if decision.admitted else "waitlist"
            if left == 0:
                status = "sold out"
            # With several balanced quotas, the strictest answer wins.
            if statuses.get(str(role)) in (None, "available"):
                statuses[str(role)] = status
    return statuses


# Beyond this many places a role's count is not shown ("available" says enough).
ROLE_LEFT_SHOWN_MAX = 50


def _role_room(*, quota: Quota, role: DanceRole, left: int | None) -> int:
    """How many single dancers of ``role`` the quota admits in a row right now."""
    rules = quota_rules(quota=quota)
    leads, follows = quota.sold_lead, quota.sold_follow
    ceiling = ROLE_LEFT_SHOWN_MAX if left is None else min(left, ROLE_LEFT_SHOWN_MAX)
    admitted = 0
    while admitted < ceiling:
        decision = balance_decide(rules=rules, leads=leads, follows=follows, role=role)
        if not decision.admitted:
            break
        leads, follows = leads + decision.leads, follows + decision.follows
        admitted += 1
    return admitted


def _roles_left(quotas: Iterable[Quota], left: int | None) -> dict[str, int]:
    room: dict[str, int] = {}
    for quota in quotas:
        if quota.role_mode == RoleMode.OFF:
            continue
        for role in (DanceRole.LEAD, DanceRole.FOLLOW):
            places = _role_room(quota=quota, role=role, left=left)
            room[str(role)] = min(places, room.get(str(role), places))
    return room


def product_availability(*, product: Product, now: datetime | None = None) -> Availability:
    """Whether a product is on sale now and what is left, per role too.

    Reads the (prefetched) quotas: no lock, so the answer is a snapshot.
    """
    now = now or timezone.now()
    quotas = list(product.quotas.all())
    left = min((q.size - q.sold for q in quotas), default=None)
    on_sale = (
        product.status == Product.Status.PUBLISHED
        and (product.sale_starts_at is None or product.sale_starts_at <= now)
        and (product.sale_ends_at is None or now < product.sale_ends_at)
        and left != 0
    )
    return Availability(
        on_sale=on_sale,
        left=left,
        roles=_roles_status(quotas, left),
        role_left=_roles_left(quotas, left),
    )


def quotas_for_staff() -> QuerySet[Quota]:
    return Quota.objects.select_related("event").order_by("pk")
