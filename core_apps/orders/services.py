"""Writes about orders: checkout, payment, expiry, cancellation, refunds,
check-in and invoices.

Capacity (BRIEF, "Money and capacity"): the checkout transaction first writes
the order row, then takes its places with one conditional ``UPDATE`` per quota
in pk order (``quotas_reserve``) and commits straight after a few inserts, so
the quota row lock is held for a few milliseconds. Emails, invoices and PDFs
are queued on commit. Every state change writes an :class:`OrderLog` entry.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core_apps.orders.models import (
    CheckIn,
    Invoice,
    Order,
    OrderLog,
    Position,
    PromoCode,
    WaitlistEntry,
)
from core_apps.ticketing.balance import DanceRole, InvalidRole, balance_decide
from core_apps.ticketing.models import Product, RoleMode
from core_apps.ticketing.selectors import product_price_current
from core_apps.ticketing.services import (
    RoleImbalance,
    SoldOut,
    quotas_release,
    quotas_reserve,
)
from pista.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from pista.tenancy import current_schema
from tenants.selectors import community_current

if TYPE_CHECKING:
    from core_apps.accounts.models import User

HOLD_MINUTES_DEFAULT = 15
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class InvalidQuantity(ApplicationError):
    default_code = "invalid_quantity"


class ProductUnavailable(ApplicationError):
    default_code = "product_unavailable"
    status_code = 404


class NotOnSale(ApplicationError):
    default_code = "not_on_sale"
    status_code = 409


class CurrencyMismatch(ApplicationError):
    default_code = "currency_mismatch"


class PriceMismatch(ApplicationError):
    default_code = "price_mismatch"
    status_code = 409


class PromoInvalid(ApplicationError):
    default_code = "promo_invalid"


class InvalidAttendee(ApplicationError):
    default_code = "invalid_attendee"


class InvalidProvider(ApplicationError):
    default_code = "invalid_provider"


class HoldExpired(ApplicationError):
    default_code = "hold_expired"
    status_code = 410


class OrderStateConflict(Conflict):
    default_code = "order_state"


class PaymentDeclined(ApplicationError):
    default_code = "payment_declined"
    status_code = 402


class CheckInRefused(Conflict):
    default_code = "checkin_refused"


def _hold_minutes() -> int:
    return int(getattr(settings, "PISTA_HOLD_MINUTES", HOLD_MINUTES_DEFAULT))


def _manual_days() -> int:
    return int(getattr(settings, "PISTA_MANUAL_PAYMENT_DAYS", 3))


def order_log(*, order: Order, action: str, actor: User | None = None, **data: Any) -> OrderLog:
    """Record one change of an order in its audit log."""
    return OrderLog.objects.create(order=order, action=action, actor=actor, data=data)


def _code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def _tax_included(price_minor: int, rate: Decimal) -> int:
    """VAT contained in a gross price, rounded once."""
    if not rate:
        return 0
    tax = Decimal(price_minor) * rate / (Decimal(100) + rate)
    return int(tax.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Checkout -----------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeIn:
    name: str
    email: str
    role: str = ""
    partner_name: str = ""
    partner_email: str = ""
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LineIn:
    product_id: int
    quantity: int
    attendees: Sequence[AttendeeIn] = ()
    role: str = ""
    price_minor: int | None = None  # what the client believes; checked, never used


@dataclass
class CheckoutResult:
    order: Order | None
    waitlisted: list[WaitlistEntry]
    client_secret: str = ""  # Stripe's, for the buyer's browser


@dataclass
class _Registration:
    product: Product
    attendee: AttendeeIn
    couple: bool


def _promo_find(code: str, now: datetime) -> PromoCode | None:
    if not code.strip():
        return None
    promo = PromoCode.objects.filter(code__iexact=code.strip()).first()
    if promo is None:
        raise PromoInvalid("This promo code doesn't exist.", code="promo_unknown")
    if (promo.valid_from and now < promo.valid_from) or (
        promo.valid_until and now >= promo.valid_until
    ):
        raise PromoInvalid("This promo code isn't valid now.", code="promo_expired")
    if promo.max_uses is not None and promo.used >= promo.max_uses:
        raise PromoInvalid("This promo code has been used up.", code="promo_used_up")
    return promo


def _promo_discount(promo: PromoCode, price_minor: int) -> int:
    if promo.kind == PromoCode.Kind.PERCENT:
        off = Decimal(price_minor) * min(promo.value, 100) / 100
        return min(price_minor, int(off.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return min(price_minor, promo.value)  # never below zero


def _products_load(
    lines: Sequence[LineIn], *, unlock_code: str, promo: PromoCode | None
) -> dict[int, Product]:
    ids = {line.product_id for line in lines}
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=ids).prefetch_related("quotas", "tiers", "questions")
    }
    promo_products = set(promo.products.values_list("pk", flat=True)) if promo else set()
    now = timezone.now()
    for pid in ids:
        product = products.get(pid)
        if product is None or product.status != Product.Status.PUBLISHED:
            raise ProductUnavailable("No such product on sale here.", extra={"product": pid})
        if product.is_hidden:
            unlocked = bool(unlock_code.strip()) and unlock_code.strip().lower() == (
                product.unlock_code.strip().lower()
            )
            if not unlocked and pid not in promo_products:
                raise ProductUnavailable("No such product on sale here.", extra={"product": pid})
        if (product.sale_starts_at and now < product.sale_starts_at) or (
            product.sale_ends_at and now >= product.sale_ends_at
        ):
            raise NotOnSale(f"{product.name} isn't on sale now.", extra={"product": pid})
        if not product.quotas.all():
            raise NotOnSale(f"{product.name} isn't on sale now.", extra={"product": pid})
    if promo and promo_products and not promo_products & ids:
        raise PromoInvalid("This promo code is for other products.", code="promo_other_product")
    return products


def _attendee_validate(product: Product, attendee: AttendeeIn, *, buyer_email: str) -> None:
    if not attendee.name.strip() or "@" not in attendee.email:
        raise InvalidAttendee("Every attendee needs a name and an email address.")
    balanced = any(q.role_mode != RoleMode.OFF for q in product.quotas.all())
    if attendee.partner_email or attendee.partner_name:
        if not balanced:
            raise InvalidAttendee("This product isn't sold to couples.", code="partner_not_allowed")
        if not attendee.partner_name.strip() or "@" not in attendee.partner_email:
            raise InvalidAttendee(
                "A partner needs a name and an email address.", code="partner_invalid"
            )
        if attendee.partner_email.strip().lower() in {
            attendee.email.strip().lower(),
        }:
            raise InvalidAttendee(
                "Your partner's email must differ from your own.", code="partner_email_same"
            )
    elif balanced:
        if not attendee.role:
            raise InvalidRole("Choose a role: leader or follower.", code="role_required")
        try:
            DanceRole(attendee.role)
        except ValueError as exc:
            raise InvalidRole(f"Unknown role {attendee.role!r}.") from exc
    for question in product.questions.all():
        answer = attendee.answers.get(str(question.pk))
        if question.required and (answer is None or answer == "" or answer is False):
            raise InvalidAttendee(
                f"Please answer: {question.label}",
                code="answer_required",
                extra={"question": question.pk},
            )
        if answer and question.kind == question.Kind.CHOICE and answer not in question.choice_list:
            raise InvalidAttendee(
                f"Choose one of the offered answers: {question.label}",
                code="answer_invalid",
                extra={"question": question.pk},
            )


def _registrations_build(
    lines: Sequence[LineIn], products: dict[int, Product], *, buyer_name: str, buyer_email: str
) -> list[_Registration]:
    registrations: list[_Registration] = []
    tickets: Counter[int] = Counter()
    for line in lines:
        product = products[line.product_id]
        if line.quantity < 1:
            raise InvalidQuantity("Order at least one ticket.", extra={"product": product.pk})
        attendees = list(line.attendees)
        if not attendees:
            attendees = [
                AttendeeIn(name=buyer_name, email=buyer_email, role=line.role)
            ] * line.quantity
        if len(attendees) != line.quantity:
            raise InvalidQuantity(
                "Give one attendee per ticket.",
                code="attendees_mismatch",
                extra={"product": product.pk},
            )
        for attendee in attendees:
            _attendee_validate(product, attendee, buyer_email=buyer_email)
            couple = bool(attendee.partner_email)
            registrations.append(_Registration(product, attendee, couple))
            tickets[product.pk] += 2 if couple else 1
    for pid, count in tickets.items():
        product = products[pid]
        if count > product.max_per_order or count < product.min_per_order:
            raise InvalidQuantity(
                f"Between {product.min_per_order} and {product.max_per_order} tickets "
                f"of {product.name} per order.",
                extra={"product": pid},
            )
    return registrations


def _lock_quotas(quota_ids: set[int]) -> None:
    """Lock every quota an order touches up front, in pk order, so two orders
    with several registrations can never wait on each other in a cycle."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM ticketing_quota WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            [sorted(quota_ids)],
        )


def _refusal_precheck(reg: _Registration) -> None:
    """Refuse a registration the quota rows just read already refuse, without
    opening a transaction. A refusal writes nothing, so deciding it on that
    consistent read is the same as the request arriving a moment earlier; an
    admission is always decided again under the row lock. At on-sale this keeps
    the many refused buyers off the quota rows the admitted ones need."""
    from core_apps.ticketing.services import quota_rules

    n = 2 if reg.couple else 1
    for quota in reg.product.quotas.all():
        if quota.size - quota.sold < n:
            raise SoldOut("This is sold out.", extra={"quota_id": quota.pk})
        if reg.couple or quota.role_mode == RoleMode.OFF or not reg.attendee.role:
            continue
        decision = balance_decide(
            rules=quota_rules(quota=quota),
            leads=quota.sold_lead,
            follows=quota.sold_follow,
            role=reg.attendee.role,
        )
        if not decision.admitted:
            waiting = decision.waitlist[0]
            raise RoleImbalance(
                f"No place for {waiting}s right now: join the waitlist.",
                extra={"quota_id": quota.pk, "role": str(waiting)},
            )


def _event_lock(registrations: Sequence[_Registration]) -> None:
    """The baseline ``bench/checkout.py`` compares against (never on in
    production): lock the whole event for the entire order transaction, the way
    a per-event serialising shop does."""
    event_ids = sorted({r.product.event_id for r in registrations if r.product.event_id})
    if event_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM events_event WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [event_ids]
            )


def _product_count(product_id: int, n: int) -> int:
    """Add ``n`` to a product's sold count; return the count *before*."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ticketing_product SET sold_count = sold_count + %s WHERE id = %s "
            "RETURNING sold_count",
            [n, product_id],
        )
        return int(cursor.fetchone()[0]) - n


def order_checkout(
    *,
    email: str,
    name: str,
    lines: Sequence[LineIn],
    provider: str,
    currency: str | None = None,
    expected_total_minor: int | None = None,
    promo_code: str = "",
    unlock_code: str = "",
    join_waitlist: bool = False,
    user: User | None = None,
    language: str = "",
) -> CheckoutResult:
    """Hold places for the registrations in ``lines`` and create a pending order
    (paid at once when free). Registrations without a place go on the waitlist
    when ``join_waitlist``, else the whole checkout fails and nothing is kept.

    Prices, tiers, discounts and taxes are computed here; the client's
    ``currency``, ``expected_total_minor`` and line ``price_minor`` are only
    compared. Raises InvalidQuantity, ProductUnavailable, NotOnSale,
    CurrencyMismatch, PriceMismatch, PromoInvalid, InvalidAttendee, InvalidRole,
    InvalidProvider, SoldOut, RoleImbalance.
    """
    community = community_current()
    now = timezone.now()
    if not lines:
        raise InvalidQuantity("Your cart is empty.")
    if not name.strip() or "@" not in email:
        raise InvalidAttendee("Give your name and email address.", code="buyer_invalid")
    if currency is not None and currency.upper() != community.currency:
        raise CurrencyMismatch(f"This community sells in {community.currency}.")
    if provider not in Order.Provider.values:
        raise InvalidProvider(f"Unknown payment method {provider!r}.")
    if provider == Order.Provider.SIMULATED and not settings.PISTA_SIMULATED_PAYMENTS:
        raise InvalidProvider("The simulated card is for development only.")
    if provider == Order.Provider.STRIPE and not _stripe_account():
        raise InvalidProvider("Card payments aren't set up for this community yet.")
    promo = _promo_find(promo_code, now)
    products = _products_load(lines, unlock_code=unlock_code, promo=promo)
    for line in lines:
        if line.price_minor is not None:
            price = product_price_current(product=products[line.product_id], now=now)
            if line.price_minor != price.minor:
                raise PriceMismatch(
                    "The price has changed or is wrong: reload and try again.",
                    extra={"product": line.product_id, "price_minor": price.minor},
                )
    registrations = _registrations_build(lines, products, buyer_name=name, buyer_email=email)
    promo_products = set(promo.products.values_list("pk", flat=True)) if promo else set()

    if len(registrations) == 1 and not join_waitlist:
        _refusal_precheck(registrations[0])

    waitlisted: list[WaitlistEntry] = []
    with transaction.atomic():
        if settings.PISTA_CHECKOUT_SERIALISE_EVENT:
            _event_lock(registrations)
        order = Order.objects.create(
            code=_code_new(),
            secret=secrets.token_urlsafe(24),
            event_id=registrations[0].product.event_id,
            email=email.strip(),
            name=name.strip(),
            user=user if user is not None and user.is_authenticated else None,
            provider=provider,
            currency=community.currency,
            language=language or community.language,
            promo_code=promo,
        )
        all_quotas = {q.pk for r in registrations for q in r.product.quotas.all()}
        if len(registrations) > 1 and len(all_quotas) > 1:
            _lock_quotas(all_quotas)
        admitted: list[tuple[_Registration, list[str]]] = []
        for reg in registrations:
            quota_ids = [q.pk for q in reg.product.quotas.all()]
            n = 2 if reg.couple else 1
            role = None if reg.couple else (reg.attendee.role or None)
            balanced = any(q.role_mode != RoleMode.OFF for q in reg.product.quotas.all())
            try:
                reserved = quotas_reserve(
                    quota_ids_with_counts=dict.fromkeys(quota_ids, n),
                    role=role if balanced else None,
                    couple=reg.couple,
                )
            except (SoldOut, RoleImbalance):
                if not join_waitlist:
                    raise
                waitlisted.append(_waitlist_entry_new(reg))
                continue
            placed = next((r.role for r in reserved if r.role is not None), None)
            if reg.couple:
                admitted.append((reg, [DanceRole.LEAD, DanceRole.FOLLOW]))
            else:
                admitted.append((reg, [str(placed) if placed else ""]))
        if not admitted:
            transaction.set_rollback(True)
        else:
            _positions_create(order, admitted, promo, promo_products, now)
            for entry in waitlisted:
                entry.save()
            if expected_total_minor is not None and expected_total_minor != order.total_minor:
                raise PriceMismatch(
                    "The total has changed: reload and try again.",
                    extra={"total_minor": order.total_minor},
                )
        if admitted and promo is not None:
            uses = (
                PromoCode.objects.filter(pk=promo.pk)
                .filter(Q(max_uses__isnull=True) | Q(used__lt=F("max_uses")))
                .update(used=F("used") + 1)
            )
            if not uses:
                raise PromoInvalid("This promo code has been used up.", code="promo_used_up")
    if not admitted:
        # Nothing admitted: only the waitlist entries are kept.
        for entry in waitlisted:
            entry.pk = None
            entry.save()
        return CheckoutResult(order=None, waitlisted=waitlisted)
    if order.status == Order.Status.PAID:
        _order_paid_effects(order)
    elif order.provider == Order.Provider.STRIPE:
        # After the commit: never call Stripe while holding a transaction.
        return CheckoutResult(
            order=order, waitlisted=waitlisted, client_secret=order_stripe_start(order=order)
        )
    return CheckoutResult(order=order, waitlisted=waitlisted)


def _positions_create(
    order: Order,
    admitted: list[tuple[_Registration, list[str]]],
    promo: PromoCode | None,
    promo_products: set[int],
    now: datetime,
) -> None:
    per_product: Counter[int] = Counter()
    for reg, roles in admitted:
        per_product[reg.product.pk] += len(roles)
    before = {pid: _product_count(pid, n) for pid, n in sorted(per_product.items())}
    positions: list[Position] = []
    subtotal = discount = tax = 0
    for reg, roles in admitted:
        product = reg.product
        for index, admitted_role in enumerate(roles):
            product.sold_count = before[product.pk]
            before[product.pk] += 1
            price = product_price_current(product=product, now=now)
            off = 0
            if promo is not None and (not promo_products or product.pk in promo_products):
                off = _promo_discount(promo, price.minor)
            paid = price.minor - off
            is_partner = reg.couple and index == 1
            rate = Decimal(product.tax_rate)
            position = Position(
                order=order,
                product=product,
                attendee_name=(
                    reg.attendee.partner_name if is_partner else reg.attendee.name
                ).strip(),
                attendee_email=(
                    reg.attendee.partner_email if is_partner else reg.attendee.email
                ).strip(),
                answers={} if is_partner else dict(reg.attendee.answers),
                role=admitted_role if reg.couple else reg.attendee.role,
                role_admitted=admitted_role,
                quota_ids=[q.pk for q in product.quotas.all()],
                price_minor=paid,
                tax_rate=rate,
                tax_minor=_tax_included(paid, rate),
                tier=price.tier or "",
                secret=secrets.token_urlsafe(24),
                checkins_left=product.checkins if product.kind == Product.Kind.CLASS_PACK else None,
                valid_until=(
                    now + timedelta(days=product.valid_days)
                    if product.kind == Product.Kind.CLASS_PACK and product.valid_days
                    else None
                ),
            )
            positions.append(position)
            subtotal += price.minor
            discount += off
            tax += position.tax_minor
    Position.objects.bulk_create(positions)
    # The checkout's answer lists them without reading them back.
    order.created_positions = positions  # type: ignore[attr-defined]
    order.subtotal_minor = subtotal
    order.discount_minor = discount
    order.total_minor = subtotal - discount
    order.tax_minor = tax
    if order.total_minor == 0:
        order.provider = Order.Provider.FREE
        order.status = Order.Status.PAID
        order.paid_at = now
    elif order.provider == Order.Provider.FREE:
        raise InvalidProvider("Choose how to pay: this order isn't free.")
    elif order.provider == Order.Provider.MANUAL:
        order.expires_at = now + timedelta(days=_manual_days())
        order.payment_reference = order.code
    else:
        order.expires_at = now + timedelta(minutes=_hold_minutes())
    order.save()
    order_log(
        order=order,
        action="order.placed",
        total_minor=order.total_minor,
        positions=len(positions),
    )
    if order.status == Order.Status.PAID:
        order_log(order=order, action="order.paid", provider=order.provider)


def _waitlist_entry_new(reg: _Registration) -> WaitlistEntry:
    # Built now, saved by the caller outside the rolled-back order transaction.
    return WaitlistEntry(
        product=reg.product,
        email=reg.attendee.email.strip(),
        name=reg.attendee.name.strip(),
        role="" if reg.couple else reg.attendee.role,
        partner_name=reg.attendee.partner_name.strip(),
        partner_email=reg.attendee.partner_email.strip(),
        secret=secrets.token_urlsafe(24),
    )


# --- Payment, expiry, cancellation ----------------------------------------------


def _order_paid_effects(order: Order) -> None:
    from core_apps.orders.tasks import order_paid_task
    from pista.tasks import task_enqueue_on_commit

    if connection.in_atomic_block:
        task_enqueue_on_commit(order_paid_task, order_id=order.pk)
    else:
        order_paid_task.delay(order_id=order.pk)


def order_mark_paid(
    *,
    order: Order,
    actor: User | None,
    provider: str,
    reference: str = "",
    amount_minor: int | None = None,
    allow_lapsed_hold: bool = False,
) -> Order:
    """Confirm payment of a pending order, exactly once (a conditional UPDATE
    decides between concurrent confirmations and expiry). A payment after the
    hold has lapsed is refused for card payments; staff confirming a manual
    payment may still do so while the order is pending.

    Raises HoldExpired, OrderStateConflict, PaymentDeclined (wrong amount).
    Returns the order; a second confirmation of a paid order is a no-op.
    """
    now = timezone.now()
    if amount_minor is not None and amount_minor != order.total_minor:
        raise PaymentDeclined("The amount paid doesn't match the order.", code="amount_mismatch")
    with transaction.atomic():
        query = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING)
        if actor is None and not allow_lapsed_hold:
            query = query.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        updated = query.update(
            status=Order.Status.PAID,
            paid_at=now,
            payment_reference=reference or order.payment_reference,
        )
        if updated:
            order.refresh_from_db()
            order_log(
                order=order,
                action="order.paid",
                actor=actor,
                provider=provider,
                reference=reference,
            )
            _order_paid_effects(order)
            return order
    # Not confirmed: already paid (a no-op), or the hold lapsed (expire it now,
    # in its own transaction, so the places go back even though we refuse).
    order.refresh_from_db()
    if order.status == Order.Status.PAID:
        return order
    if order.status == Order.Status.PENDING:
        order_expire(order=order)
        order.refresh_from_db()
    if order.status == Order.Status.EXPIRED:
        raise HoldExpired("Your reservation has expired: please order again.")
    raise OrderStateConflict(f"This order is {order.get_status_display().lower()}.")


def order_pay_simulated(*, order: Order, card_number: str) -> Order:
    """The development card: 4242… pays, 4000 0000 0000 0002 is declined.

    Raises InvalidProvider (not enabled), PaymentDeclined, HoldExpired."""
    if not settings.PISTA_SIMULATED_PAYMENTS:
        raise InvalidProvider("The simulated card is for development only.")
    digits = "".join(ch for ch in card_number if ch.isdigit())
    if digits == "4000000000000002" or len(digits) < 12:
        with transaction.atomic():
            order_log(order=order, action="payment.declined", provider="simulated")
        raise PaymentDeclined("The card was declined.")
    if order.provider != Order.Provider.SIMULATED:
        raise InvalidProvider("This order is paid another way.")
    return order_mark_paid(
        order=order, actor=None, provider="simulated", reference=f"sim-{digits[-4:]}"
    )


def _positions_release(positions: Sequence[Position]) -> set[int]:
    """Give the places of ``positions`` back; return the products concerned."""
    products: Counter[int] = Counter()
    for position in sorted(positions, key=lambda p: min(p.quota_ids or [0])):
        if position.quota_ids:
            quotas_release(
                quota_ids_with_counts=dict.fromkeys(position.quota_ids, 1),
                leads=1 if position.role_admitted == DanceRole.LEAD else 0,
                follows=1 if position.role_admitted == DanceRole.FOLLOW else 0,
            )
        products[position.product_id] += 1
    with connection.cursor() as cursor:
        for pid, n in sorted(products.items()):
            cursor.execute(
                "UPDATE ticketing_product SET sold_count = GREATEST(sold_count - %s, 0) "
                "WHERE id = %s",
                [n, pid],
            )
    return set(products)


def _places_freed(product_ids: set[int]) -> None:
    from core_apps.orders.tasks import waitlist_offer_task
    from pista.tasks import task_enqueue_on_commit

    for pid in sorted(product_ids):
        task_enqueue_on_commit(waitlist_offer_task, product_id=pid)


def _order_close(
    order: Order,
    *,
    status: str,
    from_statuses: Sequence[str],
    action: str,
    actor: User | None,
    extra_filter: Q | None = None,
    **data: Any,
) -> bool:
    with transaction.atomic():
        query = Order.objects.filter(pk=order.pk, status__in=from_statuses)
        if extra_filter is not None:
            query = query.filter(extra_filter)
        if not query.update(status=status):
            return False
        positions = list(order.positions.filter(status=Position.Status.VALID))
        freed = _positions_release(positions)
        Position.objects.filter(pk__in=[p.pk for p in positions]).update(
            status=Position.Status.REFUNDED
            if status == Order.Status.REFUNDED
            else Position.Status.CANCELLED
        )
        order_log(order=order, action=action, actor=actor, **data)
        _places_freed(freed)
    order.refresh_from_db()
    return True


def order_expire(*, order: Order) -> bool:
    """Expire a pending order whose hold has lapsed; its places go back.
    Returns whether this call expired it (a lapsed hold is expired once)."""
    return _order_close(
        order,
        status=Order.Status.EXPIRED,
        from_statuses=[Order.Status.PENDING],
        action="order.expired",
        actor=None,
        extra_filter=Q(expires_at__lte=timezone.now()),
    )


def orders_expire_due(*, now: datetime | None = None) -> int:
    """Expire every lapsed hold in the current community (the beat task)."""
    now = now or timezone.now()
    count = 0
    for order in Order.objects.filter(status=Order.Status.PENDING, expires_at__lte=now):
        count += order_expire(order=order)
    return count


def order_cancel(*, order: Order, actor: User | None, reason: str = "") -> Order:
    """Cancel a pending order (buyer or staff) or a free one; places go back.
    Paid orders are refunded instead. Raises OrderStateConflict."""
    ok = _order_close(
        order,
        status=Order.Status.CANCELLED,
        from_statuses=[Order.Status.PENDING]
        + ([Order.Status.PAID] if order.total_minor == 0 else []),
        action="order.cancelled",
        actor=actor,
        reason=reason,
    )
    if not ok:
        raise OrderStateConflict(
            f"A {order.get_status_display().lower()} order can't be cancelled."
        )
    return order


def order_refund(*, order: Order, actor: User | None, amount_minor: int | None = None) -> Order:
    """Refund a paid order fully (places go back) or partly (places stay);
    a credit note is issued. Raises PermissionDenied, OrderStateConflict,
    ApplicationError(code="invalid_amount")."""
    if actor is not None and not actor.has_perm("orders.change_order"):
        raise PermissionDenied("You may not refund orders.")
    amount = order.total_minor - order.refunded_minor if amount_minor is None else int(amount_minor)
    if amount <= 0 or amount > order.total_minor - order.refunded_minor:
        raise ApplicationError(
            "Refund between 1 and what is left to refund.", code="invalid_amount"
        )
    with transaction.atomic():
        updated = Order.objects.filter(
            pk=order.pk,
            status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
            refunded_minor__lte=order.total_minor - amount,
        ).update(
            refunded_minor=F("refunded_minor") + amount, status=Order.Status.PARTIALLY_REFUNDED
        )
        if not updated:
            raise OrderStateConflict("This order can't be refunded (anymore).")
        order.refresh_from_db()
        order_log(order=order, action="order.refunded", actor=actor, amount_minor=amount)
        invoice_create(order=order, kind=Invoice.Kind.CREDIT_NOTE, total_minor=-amount)
        if order.refunded_minor == order.total_minor:
            _order_close(
                order,
                status=Order.Status.REFUNDED,
                from_statuses=[Order.Status.PARTIALLY_REFUNDED],
                action="order.places_released",
                actor=actor,
            )
    order.refresh_from_db()
    return order


# --- Invoices -------------------------------------------------------------------


def invoice_create(
    *, order: Order, kind: str = Invoice.Kind.INVOICE, total_minor: int | None = None
) -> Invoice:
    """Issue the next invoice (or credit note) number of the community.

    The number comes from one counter row incremented by a conditional UPDATE
    in the same transaction as the invoice, so a rolled-back invoice gives its
    number back: numbers have no gaps and no duplicates.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE orders_invoicesequence SET last = last + 1 RETURNING last")
            row = cursor.fetchone()
            if row is None:
                # First invoice ever: create the counter (a unique pk decides races).
                cursor.execute(
                    "INSERT INTO orders_invoicesequence (id, last) VALUES (1, 0) "
                    "ON CONFLICT DO NOTHING"
                )
                cursor.execute("UPDATE orders_invoicesequence SET last = last + 1 RETURNING last")
                row = cursor.fetchone()
        number = int(row[0])
        positions = list(order.positions.select_related("product"))
        lines = [
            {
                "description": f"{p.product.name} — {p.attendee_name}",
                "price_minor": p.price_minor,
                "tax_rate": str(p.tax_rate),
                "tax_minor": p.tax_minor,
            }
            for p in positions
        ]
        total = order.total_minor if total_minor is None else total_minor
        tax = (
            order.tax_minor
            if kind == Invoice.Kind.INVOICE
            else -_tax_included(-total, positions[0].tax_rate if positions else Decimal(0))
        )
        invoice = Invoice.objects.create(
            order=order,
            number=number,
            kind=kind,
            total_minor=total,
            tax_minor=tax,
            currency=order.currency,
            lines=lines,
        )
        order_log(order=order, action=f"{kind}.issued", number=number)
    return invoice


def order_paid_process(*, order_id: int) -> None:
    """After payment: the invoice (once) and the tickets email."""
    order = Order.objects.filter(pk=order_id, status=Order.Status.PAID).first()
    if order is None:
        return
    if order.total_minor > 0 and not order.invoices.filter(kind=Invoice.Kind.INVOICE).exists():
        with transaction.atomic():
            # Lock the order so two deliveries of the task issue one invoice.
            Order.objects.select_for_update().get(pk=order.pk)
            if not order.invoices.filter(kind=Invoice.Kind.INVOICE).exists():
                invoice_create(order=order)
    from core_apps.orders.mail import order_tickets_send

    order_tickets_send(order=order)


# --- Check-in -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInResult:
    position: Position
    checkins_left: int | None


def position_check_in(*, secret: str, actor: User | None, location: str = "") -> CheckInResult:
    """Admit the holder of a ticket once (a class pack: once per entry, while
    valid). Raises NotFound, CheckInRefused (with when/where it was first
    scanned, or why)."""
    position = Position.objects.select_related("order", "product").filter(secret=secret).first()
    if position is None:
        raise NotFound("Unknown ticket.", code="ticket_unknown")
    if position.status != Position.Status.VALID or position.order.status not in (
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
    ):
        raise CheckInRefused(
            f"This ticket is not valid (order {position.order.get_status_display().lower()}).",
            code="ticket_invalid",
        )
    now = timezone.now()
    with transaction.atomic():
        if position.checkins_left is not None:
            if position.valid_until and now >= position.valid_until:
                raise CheckInRefused("This class pack has expired.", code="pack_expired")
            ok = Position.objects.filter(pk=position.pk, checkins_left__gt=0).update(
                checkins_left=F("checkins_left") - 1, checked_in_at=now
            )
            if not ok:
                raise CheckInRefused("This class pack is used up.", code="pack_used_up")
        else:
            ok = Position.objects.filter(pk=position.pk, checked_in_at__isnull=True).update(
                checked_in_at=now
            )
            if not ok:
                first = position.checkins.order_by("pk").first()
                raise CheckInRefused(
                    "Already checked in.",
                    code="already_checked_in",
                    extra={
                        "first_at": first.created.isoformat() if first else None,
                        "first_location": first.location if first else "",
                    },
                )
        CheckIn.objects.create(position=position, actor=actor, location=location[:100])
        order_log(
            order=position.order,
            action="position.checked_in",
            actor=actor,
            position=position.pk,
            location=location,
        )
    position.refresh_from_db()
    return CheckInResult(position=position, checkins_left=position.checkins_left)


# --- Waitlist -------------------------------------------------------------------


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
    _attendee_validate(product, attendee, buyer_email=email)
    entry = _waitlist_entry_new(_Registration(product, attendee, bool(partner_email)))
    entry.save()
    return entry


def waitlist_offer_next(*, product_id: int) -> list[WaitlistEntry]:
    """Offer freed places to the next people waiting, in order, per role: each
    offer holds its place (reserved like a checkout) until it is claimed,
    declined or expires."""
    hours = int(getattr(settings, "PISTA_WAITLIST_OFFER_HOURS", 24))
    product = Product.objects.prefetch_related("quotas").filter(pk=product_id).first()
    offered: list[WaitlistEntry] = []
    if product is None:
        return offered
    quota_ids = [q.pk for q in product.quotas.all()]
    balanced = any(q.role_mode != RoleMode.OFF for q in product.quotas.all())
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
    quota_ids = list(entry.product.quotas.values_list("pk", flat=True))
    quotas_release(
        quota_ids_with_counts=dict.fromkeys(quota_ids, 2 if couple else 1),
        leads=1 if couple or entry.role == DanceRole.LEAD else 0,
        follows=1 if couple or entry.role == DanceRole.FOLLOW else 0,
    )


def waitlist_claim(*, entry: WaitlistEntry, provider: str) -> Order:
    """Turn an offer into a pending order holding the offered place(s).
    Raises OrderStateConflict (not offered / expired), InvalidProvider."""
    if provider not in Order.Provider.values or provider == Order.Provider.STRIPE:
        raise InvalidProvider(f"Unknown payment method {provider!r}.")
    community = community_current()
    now = timezone.now()
    product = entry.product
    with transaction.atomic():
        if not WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
        ).update(status=WaitlistEntry.Status.CLAIMED):
            raise OrderStateConflict("This offer is no longer open.", code="offer_closed")
        order = Order.objects.create(
            code=_code_new(),
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
        product = Product.objects.prefetch_related("quotas", "tiers").get(pk=product.pk)
        _positions_create(
            order,
            [(_Registration(product, attendee, couple), [str(r) for r in roles])],
            None,
            set(),
            now,
        )
        WaitlistEntry.objects.filter(pk=entry.pk).update(order=order)
        order_log(order=order, action="waitlist.claimed", entry=entry.pk)
        if order.status == Order.Status.PAID:
            _order_paid_effects(order)
    return order


def waitlist_decline(*, entry: WaitlistEntry) -> None:
    """Decline an offer or leave the list; an offered place goes to the next."""
    with transaction.atomic():
        if WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.OFFERED).update(
            status=WaitlistEntry.Status.DECLINED
        ):
            _waitlist_release(entry)
            _places_freed({entry.product_id})
            return
        if not WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.WAITING
        ).update(status=WaitlistEntry.Status.LEFT):
            raise OrderStateConflict("You're no longer on this waitlist.", code="offer_closed")


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
                _places_freed({entry.product_id})
                count += 1
    return count


# --- Stripe -----------------------------------------------------------------------


def _stripe_account() -> str:
    from core_apps.orders.models import PaymentSettings

    if not settings.STRIPE_API_KEY:
        return ""
    row = PaymentSettings.objects.first()
    return row.stripe_account_id if row else ""


def order_stripe_start(*, order: Order) -> str:
    """Create the order's PaymentIntent (idempotent per order); return its
    client secret. On failure the order is cancelled and its places released.
    Raises PaymentUnavailable."""
    from core_apps.orders import stripe_gateway

    try:
        intent = stripe_gateway.payment_intent_create(
            amount_minor=order.total_minor,
            currency=order.currency,
            account_id=_stripe_account(),
            idempotency_key=f"pista-{current_schema()}-{order.code}-intent",
            metadata={"order": order.code, "community": current_schema()},
        )
    except stripe_gateway.PaymentUnavailable:
        order_cancel(order=order, actor=None, reason="payment_unavailable")
        raise
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(payment_intent_id=intent.id)
        order.payment_intent_id = intent.id
        order_log(order=order, action="payment.started", provider="stripe", intent=intent.id)
    return intent.client_secret


def _stripe_intent_settle(
    order: Order, *, status: str, amount: int, currency: str, source: str
) -> None:
    if status != "succeeded":
        return
    if amount != order.total_minor or currency.upper() != order.currency:
        with transaction.atomic():
            order_log(order=order, action="payment.amount_mismatch", amount=amount, source=source)
        return
    try:
        order_mark_paid(
            order=order,
            actor=None,
            provider="stripe",
            reference=order.payment_intent_id,
            allow_lapsed_hold=True,
        )
    except (HoldExpired, OrderStateConflict):
        # Money arrived for an order that already gave its places back: staff
        # refund it (logged so the order page and back office show it).
        with transaction.atomic():
            order_log(order=order, action="payment.after_close", source=source)


def order_stripe_confirm(*, order: Order) -> Order:
    """The buyer's return from the card page: ask Stripe, mark paid if the
    intent succeeded. Safe whether the webhook came first or not."""
    from core_apps.orders import stripe_gateway

    if order.provider != Order.Provider.STRIPE or not order.payment_intent_id:
        raise InvalidProvider("This order isn't paid by card.")
    if order.status != Order.Status.PENDING:
        return order
    intent = stripe_gateway.payment_intent_retrieve(
        intent_id=order.payment_intent_id, account_id=_stripe_account()
    )
    _stripe_intent_settle(
        order,
        status=intent.status,
        amount=intent.amount,
        currency=intent.currency,
        source="redirect",
    )
    order.refresh_from_db()
    return order


def stripe_event_receive(*, payload: bytes, signature: str) -> tuple[str, bool]:
    """Verify and store a webhook event raw; queue its processing once.
    Returns (event id, whether it was new). Raises WebhookInvalid."""
    import json

    from core_apps.orders import stripe_gateway
    from core_apps.orders.models import StripeEvent
    from core_apps.orders.tasks import stripe_event_process_task
    from pista.tasks import task_enqueue_on_commit

    event = stripe_gateway.webhook_event_construct(payload=payload, signature=signature)
    event_id = str(event.get("id") or "")
    if not event_id:
        raise stripe_gateway.WebhookInvalid("An event without an id.")
    with transaction.atomic():
        row, created = StripeEvent.objects.get_or_create(
            event_id=event_id,
            defaults={"type": str(event.get("type", "")), "payload": payload.decode("utf-8")},
        )
        if created:
            task_enqueue_on_commit(stripe_event_process_task, event_pk=row.pk)
    json.loads(payload)  # already parsed by the gateway; kept raw above
    return event_id, created


def stripe_event_process(*, event_pk: int) -> str:
    """Apply one stored event, once (the row lock and ``processed_at`` make a
    second delivery of the task a no-op). Events may come in any order."""
    import json

    from core_apps.orders.models import StripeEvent

    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
        if row is None or row.processed_at is not None:
            return "skipped"
        event = json.loads(row.payload)
        obj = (event.get("data") or {}).get("object") or {}
        result = "ignored"
        if row.type.startswith("payment_intent."):
            order = Order.objects.filter(payment_intent_id=obj.get("id", "")).first()
            if order is None:
                code = (obj.get("metadata") or {}).get("order", "")
                order = Order.objects.filter(code=code, payment_intent_id=obj.get("id", "")).first()
            if order is None:
                result = "no order"
            elif row.type == "payment_intent.succeeded":
                _stripe_intent_settle(
                    order,
                    status=str(obj.get("status", "")),
                    amount=int(obj.get("amount", -1)),
                    currency=str(obj.get("currency", "")),
                    source="webhook",
                )
                result = "settled"
            else:
                order_log(order=order, action=f"stripe.{row.type}", event=row.event_id)
                result = "logged"
        row.processed_at = timezone.now()
        row.result = result
        row.save(update_fields=["processed_at", "result"])
    return result


# --- Transfer ---------------------------------------------------------------------


def position_transfer(
    *, position: Position, name: str, email: str, role: str = "", actor: User | None = None
) -> Position:
    """Hand a ticket to someone else: a new holder and a new QR code (the old
    one stops working). On a role-balanced product the role stays the same
    unless staff (``actor`` with ``orders.change_order``) override it.
    Raises InvalidAttendee, OrderStateConflict, RoleImbalance."""
    if not name.strip() or "@" not in email:
        raise InvalidAttendee("The new holder needs a name and an email address.")
    if position.status != Position.Status.VALID or position.order.status not in (
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
    ):
        raise OrderStateConflict("Only valid, paid tickets can be transferred.")
    if position.checked_in_at is not None:
        raise OrderStateConflict("A ticket that was used can't be transferred.")
    staff = actor is not None and actor.has_perm("orders.change_order")
    new_role = role or position.role_admitted
    if position.role_admitted and new_role != position.role_admitted and not staff:
        raise RoleImbalance(
            "A ticket keeps its role: a leader's ticket goes to a leader.",
            code="transfer_role",
            extra={"role": position.role_admitted},
        )
    with transaction.atomic():
        old = Position.objects.select_for_update().get(pk=position.pk)
        previous = {"name": old.attendee_name, "email": old.attendee_email}
        if new_role != old.role_admitted and old.quota_ids:
            # Staff override: move the place between the role counters.
            with connection.cursor() as cursor:
                lead_delta = (new_role == DanceRole.LEAD) - (old.role_admitted == DanceRole.LEAD)
                follow_delta = (new_role == DanceRole.FOLLOW) - (
                    old.role_admitted == DanceRole.FOLLOW
                )
                cursor.execute(
                    "UPDATE ticketing_quota SET sold_lead = sold_lead + %s, "
                    "sold_follow = sold_follow + %s WHERE id = ANY(%s) AND role_mode <> 'off'",
                    [lead_delta, follow_delta, sorted(old.quota_ids)],
                )
        old.attendee_name = name.strip()
        old.attendee_email = email.strip()
        old.role_admitted = new_role
        old.secret = secrets.token_urlsafe(24)
        old.save(update_fields=["attendee_name", "attendee_email", "role_admitted", "secret"])
        order_log(
            order=old.order,
            action="position.transferred",
            actor=actor,
            position=old.pk,
            previous=previous,
            to={"name": old.attendee_name, "email": old.attendee_email, "role": new_role},
        )
    return old


# --- Cancelled dates ----------------------------------------------------------------


def orders_refund_for_products(*, product_ids: set[int], reason: str) -> int:
    """A cancelled date or event: refund every paid ticket of these products to
    the original payment (credit notes included) and cancel pending orders.
    Orders with other tickets too are refunded for the affected ones only.
    Idempotent: refunded tickets are skipped. Returns the orders touched."""
    touched = 0
    orders = (
        Order.objects.filter(
            positions__product_id__in=product_ids, positions__status=Position.Status.VALID
        )
        .distinct()
        .order_by("pk")
    )
    for order in orders:
        affected = list(
            order.positions.filter(product_id__in=product_ids, status=Position.Status.VALID)
        )
        every = not order.positions.filter(status=Position.Status.VALID).exclude(
            pk__in=[p.pk for p in affected]
        )
        if order.status == Order.Status.PENDING:
            order_cancel(order=order, actor=None, reason=reason)
        elif every and order.status == Order.Status.PAID:
            order_refund(order=order, actor=None)
        else:
            amount = min(
                sum(p.price_minor for p in affected), order.total_minor - order.refunded_minor
            )
            with transaction.atomic():
                if amount > 0:
                    order_refund(order=order, actor=None, amount_minor=amount)
                freed = _positions_release(affected)
                Position.objects.filter(pk__in=[p.pk for p in affected]).update(
                    status=Position.Status.REFUNDED
                )
                order_log(order=order, action="positions.refunded", reason=reason)
                _places_freed(freed)
        touched += 1
    return touched


def orders_refund_for_event(*, event_id: int) -> int:
    """The event was cancelled: refund every ticket sold on it."""
    ids = set(Product.objects.filter(event_id=event_id).values_list("pk", flat=True))
    return orders_refund_for_products(product_ids=ids, reason="event_cancelled")


def orders_refund_for_date(*, event_date_id: int) -> int:
    """One date was cancelled: refund tickets that were only for cancelled dates
    (a product covering this date and no date still on; the event's own
    products when none of its dates is still on)."""
    from core_apps.events.models import EventDate

    date = EventDate.objects.select_related("event").filter(pk=event_date_id).first()
    if date is None:
        return 0
    cancelled = EventDate.Status.CANCELLED
    ids = {
        p.pk
        for p in Product.objects.filter(covers_dates=date).prefetch_related("covers_dates")
        if all(d.status == cancelled for d in p.covers_dates.all())
    }
    if not date.event.dates.exclude(status=cancelled).exists():
        ids |= set(Product.objects.filter(event=date.event).values_list("pk", flat=True))
    return orders_refund_for_products(product_ids=ids, reason="date_cancelled") if ids else 0


def orders_remind_unpaid(*, now: datetime | None = None) -> int:
    """Remind buyers of manual (bank transfer) orders once, a day before the
    order expires. Returns the reminders sent."""
    from core_apps.orders.mail import order_payment_reminder_send

    now = now or timezone.now()
    due = (
        Order.objects.filter(
            status=Order.Status.PENDING,
            provider=Order.Provider.MANUAL,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=1),
        )
        .exclude(log__action="reminder.sent")
        .order_by("pk")
    )
    sent = 0
    for order in due:
        with transaction.atomic():
            order_log(order=order, action="reminder.sent")
        order_payment_reminder_send(order=order)
        sent += 1
    return sent
