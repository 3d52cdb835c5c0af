"""Checkout: validate everything first, then take the places in one short
transaction (see the package docstring)."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    Order,
    Position,
    PromoCode,
    WaitlistEntry,
)
from core_apps.orders.selectors import product_dates_to_choose
from core_apps.orders.services.card import order_stripe_start
from core_apps.orders.services.common import (
    hold_minutes,
    manual_payment_days,
    order_code_new,
    order_log,
    payment_providers_enabled,
    stripe_account_current,
    tax_included,
)
from core_apps.orders.services.errors import (
    AddonWithoutTicket,
    CurrencyMismatch,
    InvalidAttendee,
    InvalidEventDate,
    InvalidProvider,
    InvalidQuantity,
    NotOnSale,
    PriceMismatch,
    ProductUnavailable,
    PromoInvalid,
)
from core_apps.orders.services.payments import order_paid_effects
from core_apps.orders.services.registrations import (
    AttendeeIn,
    Registration,
    attendee_validate,
    waitlist_entry_build,
)
from core_apps.ticketing.balance import DanceRole
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import (
    product_admission_precheck,
    product_balances_roles,
    product_price_current,
    product_quota_ids,
    products_for_checkout,
)
from core_apps.ticketing.services import (
    RoleImbalance,
    SoldOut,
    products_sold_add,
    quotas_lock,
    quotas_reserve,
)
from core_apps.ticketing.sold_out import product_sold_out_note, products_known_sold_out
from pista.errors import ApplicationError
from pista.metrics import checkout_outcome_record
from tenants.current import community_current

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.events.models import EventDate

P = ParamSpec("P")

# Ceilings on one order whatever the products allow: the serializer holds its
# input to them, and the service checks them again (with each product's own
# maximum) before it builds anything per ticket.
ORDER_LINES_MAX = 20
ORDER_TICKETS_MAX = 100
# The longest answer to an attendee question, from the form or the API.
ANSWER_LENGTH_MAX = 2000


@dataclass(frozen=True)
class LineIn:
    product_id: int
    quantity: int
    attendees: Sequence[AttendeeIn] = ()
    role: str = ""
    price_minor: int | None = None  # what the client believes; checked, never used
    event_date_id: int | None = None  # for a ticket to one date of a recurring event


@dataclass
class CheckoutResult:
    order: Order | None
    waitlisted: list[WaitlistEntry]
    client_secret: str = ""  # Stripe's, for the buyer's browser


def _promo_find(code: str, now: datetime) -> PromoCode | None:
    if not code.strip():
        return None
    promo = PromoCode.objects.filter(code__iexact=code.strip()).first()
    if promo is None:
        raise PromoInvalid(_("This promo code doesn't exist."), code="promo_unknown")
    if not promo.is_active:
        raise PromoInvalid(_("This promo code is no longer valid."), code="promo_inactive")
    if (promo.valid_from and now < promo.valid_from) or (
        promo.valid_until and now >= promo.valid_until
    ):
        raise PromoInvalid(_("This promo code isn't valid now."), code="promo_expired")
    if promo.max_uses is not None and promo.used >= promo.max_uses:
        raise PromoInvalid(_("This promo code has been used up."), code="promo_used_up")
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
    products = products_for_checkout(product_ids=ids)
    promo_products = set(promo.products.values_list("pk", flat=True)) if promo else set()
    now = timezone.now()
    for pid in ids:
        product = products.get(pid)
        if product is None or product.status != Product.Status.PUBLISHED:
            raise ProductUnavailable(_("No such product on sale here."), extra={"product": pid})
        if product.is_hidden:
            unlocked = bool(unlock_code.strip()) and unlock_code.strip().lower() == (
                product.unlock_code.strip().lower()
            )
            if not unlocked and pid not in promo_products:
                raise ProductUnavailable(_("No such product on sale here."), extra={"product": pid})
        if (product.sale_starts_at and now < product.sale_starts_at) or (
            product.sale_ends_at and now >= product.sale_ends_at
        ):
            raise NotOnSale(
                _("%(product)s isn't on sale now.") % {"product": product.name},
                extra={"product": pid},
            )
        if not product.quotas.all():
            raise NotOnSale(
                _("%(product)s isn't on sale now.") % {"product": product.name},
                extra={"product": pid},
            )
    if promo and promo_products and not promo_products & ids:
        raise PromoInvalid(_("This promo code is for other products."), code="promo_other_product")
    return products


def _addons_check(products: dict[int, Product]) -> None:
    """An add-on is sold only with a main ticket (any product that is not an
    add-on) in the same order. Raises AddonWithoutTicket."""
    kinds = {product.kind for product in products.values()}
    if Product.Kind.ADDON in kinds and kinds == {Product.Kind.ADDON}:
        names = ", ".join(sorted(p.name for p in products.values()))
        raise AddonWithoutTicket(
            gettext("%(addons)s can only be bought with a ticket in the same order.")
            % {"addons": names},
            extra={"products": sorted(products)},
        )


def _event_date_check(product: Product, event_date_id: int | None) -> EventDate | None:
    """The date a ticket to one date of a recurring event is for: one of its
    scheduled dates still to come, which the buyer must choose; no date for
    other products. Raises InvalidEventDate."""
    dates = {d.pk: d for d in product_dates_to_choose(product=product)}
    if not dates:
        if event_date_id is not None:
            raise InvalidEventDate(
                gettext("%(product)s is not sold per date.") % {"product": product.name},
                code="event_date_not_needed",
                extra={"product": product.pk},
            )
        return None
    if event_date_id is None:
        raise InvalidEventDate(
            gettext("Choose the date you are coming for %(product)s.") % {"product": product.name},
            code="event_date_missing",
            extra={"product": product.pk},
        )
    if event_date_id not in dates:
        raise InvalidEventDate(
            gettext("That date of %(product)s is not on sale.") % {"product": product.name},
            extra={"product": product.pk, "event_date": event_date_id},
        )
    return dates[event_date_id]


def _quantities_check(lines: Sequence[LineIn], products: dict[int, Product]) -> None:
    """Refuse counts no order may have before anything is built per ticket:
    each ticket holds at least one place, so more registrations of a product
    than its maximum per order (or than ``ORDER_TICKETS_MAX`` in all) can only
    be refused. Raises InvalidQuantity."""
    if len(lines) > ORDER_LINES_MAX:
        raise InvalidQuantity(
            gettext("At most %(count)d lines per order.") % {"count": ORDER_LINES_MAX},
            code="too_many_lines",
        )
    requested: Counter[int] = Counter()
    for line in lines:
        if line.quantity < 1:
            raise InvalidQuantity(
                gettext("Order at least one ticket."), extra={"product": line.product_id}
            )
        requested[line.product_id] += line.quantity
    for pid, count in requested.items():
        product = products[pid]
        most = min(product.max_per_order, ORDER_TICKETS_MAX)
        if count > most:
            raise InvalidQuantity(
                _("Between %(min_per_order)s and %(most)s tickets of %(product)s per order.")
                % {"min_per_order": product.min_per_order, "most": most, "product": product.name},
                extra={"product": pid},
            )
    if sum(requested.values()) > ORDER_TICKETS_MAX:
        raise InvalidQuantity(
            gettext("At most %(count)d tickets per order.") % {"count": ORDER_TICKETS_MAX}
        )


def _registrations_build(
    lines: Sequence[LineIn], products: dict[int, Product], *, buyer_name: str, buyer_email: str
) -> list[Registration]:
    _quantities_check(lines, products)
    registrations: list[Registration] = []
    tickets: Counter[int] = Counter()
    for line in lines:
        product = products[line.product_id]
        event_date = _event_date_check(product, line.event_date_id)
        attendees = list(line.attendees)
        if not attendees:
            attendees = [
                AttendeeIn(name=buyer_name, email=buyer_email, role=line.role)
            ] * line.quantity
        if len(attendees) != line.quantity:
            raise InvalidQuantity(
                _("Give one attendee per ticket."),
                code="attendees_mismatch",
                extra={"product": product.pk},
            )
        for attendee in attendees:
            attendee_validate(product=product, attendee=attendee)
            couple = bool(attendee.partner_email)
            registrations.append(Registration(product, attendee, couple, event_date))
            tickets[product.pk] += 2 if couple else 1
    for pid, count in tickets.items():
        product = products[pid]
        if count > product.max_per_order or count < product.min_per_order:
            raise InvalidQuantity(
                _(
                    "Between %(min_per_order)s and %(max_per_order)s tickets of %(product)s "
                    "per order."
                )
                % {
                    "min_per_order": product.min_per_order,
                    "max_per_order": product.max_per_order,
                    "product": product.name,
                },
                extra={"product": pid},
            )
    return registrations


def _outcomes_counted(
    checkout: Callable[P, CheckoutResult],
) -> Callable[P, CheckoutResult]:
    """Count each checkout's outcome for the platform's metrics: its admitted
    tickets as sold, its waitlist entries as waitlisted, a refusal as refused."""

    @wraps(checkout)
    def counted(*args: P.args, **kwargs: P.kwargs) -> CheckoutResult:
        try:
            result = checkout(*args, **kwargs)
        except ApplicationError:
            checkout_outcome_record("refused")
            raise
        if result.order is not None:
            created = getattr(result.order, "created_positions", None)
            sold = len(created) if created is not None else result.order.positions.count()
            checkout_outcome_record("sold", sold)
        checkout_outcome_record("waitlisted", len(result.waitlisted))
        return result

    return counted


@_outcomes_counted
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
        raise InvalidQuantity(_("Your cart is empty."))
    if not name.strip() or "@" not in email:
        raise InvalidAttendee(_("Give your name and email address."), code="buyer_invalid")
    if currency is not None and currency.upper() != community.currency:
        raise CurrencyMismatch(
            _("This community sells in %(currency)s.") % {"currency": community.currency}
        )
    if provider not in Order.Provider.values:
        raise InvalidProvider(_("Unknown payment method %(provider)r.") % {"provider": provider})
    if not join_waitlist:
        # At an on-sale most buyers arrive after the last place went: they are
        # refused here, from a cache read (the database decides every sale).
        flagged = products_known_sold_out(product_ids=[line.product_id for line in lines])
        if flagged:
            raise SoldOut(gettext("This is sold out."), extra={"product": min(flagged)})
    if provider == Order.Provider.SIMULATED and not settings.PISTA_SIMULATED_PAYMENTS:
        raise InvalidProvider(_("The simulated card is for development only."))
    if provider == Order.Provider.STRIPE and not stripe_account_current():
        raise InvalidProvider(_("Card payments aren't set up for this community yet."))
    if provider not in payment_providers_enabled():
        raise InvalidProvider(_("This community doesn't take this payment method."))
    promo = _promo_find(promo_code, now)
    products = _products_load(lines, unlock_code=unlock_code, promo=promo)
    _addons_check(products)
    for line in lines:
        if line.price_minor is not None:
            price = product_price_current(product=products[line.product_id], now=now)
            if line.price_minor != price.minor:
                raise PriceMismatch(
                    _("The price has changed or is wrong: reload and try again."),
                    extra={"product": line.product_id, "price_minor": price.minor},
                )
    registrations = _registrations_build(lines, products, buyer_name=name, buyer_email=email)
    promo_products = set(promo.products.values_list("pk", flat=True)) if promo else set()

    if len(registrations) == 1 and not join_waitlist:
        # Refused on a snapshot, without a transaction: at on-sale this keeps
        # the many refused buyers off the quota rows the admitted ones need.
        only = registrations[0]
        try:
            product_admission_precheck(
                product=only.product,
                role=None if only.couple else (only.attendee.role or None),
                couple=only.couple,
            )
        except SoldOut:
            if not only.couple:
                product_sold_out_note(product=only.product)
            raise

    waitlisted: list[WaitlistEntry] = []
    with transaction.atomic():
        order = Order.objects.create(
            code=order_code_new(),
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
        all_quotas = {pk for r in registrations for pk in product_quota_ids(product=r.product)}
        if len(registrations) > 1 and len(all_quotas) > 1:
            # Several registrations: all their quotas first, in pk order, so
            # two such orders never wait on each other in a cycle.
            quotas_lock(quota_ids=all_quotas)
        admitted: list[tuple[Registration, list[str]]] = []
        for reg in registrations:
            quota_ids = product_quota_ids(product=reg.product)
            n = 2 if reg.couple else 1
            role = None if reg.couple else (reg.attendee.role or None)
            balanced = product_balances_roles(product=reg.product)
            try:
                reserved = quotas_reserve(
                    quota_ids_with_counts=dict.fromkeys(quota_ids, n),
                    role=role if balanced else None,
                    couple=reg.couple,
                )
            except (SoldOut, RoleImbalance) as refusal:
                if isinstance(refusal, SoldOut) and not reg.couple:
                    product_sold_out_note(product=reg.product)
                if not join_waitlist:
                    raise
                waitlisted.append(waitlist_entry_build(registration=reg))
                continue
            placed = next((r.role for r in reserved if r.role is not None), None)
            if reg.couple:
                admitted.append((reg, [DanceRole.LEAD, DanceRole.FOLLOW]))
            else:
                admitted.append((reg, [str(placed) if placed else ""]))
        if not admitted:
            transaction.set_rollback(True)
        else:
            positions_create(
                order=order, admitted=admitted, promo=promo, promo_products=promo_products, now=now
            )
            for entry in waitlisted:
                entry.save()
            if expected_total_minor is not None and expected_total_minor != order.total_minor:
                raise PriceMismatch(
                    _("The total has changed: reload and try again."),
                    extra={"total_minor": order.total_minor},
                )
        if admitted and promo is not None:
            uses = (
                PromoCode.objects.filter(pk=promo.pk)
                .filter(Q(max_uses__isnull=True) | Q(used__lt=F("max_uses")))
                .update(used=F("used") + 1)
            )
            if not uses:
                raise PromoInvalid(_("This promo code has been used up."), code="promo_used_up")
    if not admitted:
        # Nothing admitted: only the waitlist entries are kept.
        for entry in waitlisted:
            entry.pk = None
            entry.save()
        return CheckoutResult(order=None, waitlisted=waitlisted)
    if order.status == Order.Status.PAID:
        order_paid_effects(order=order)
    elif order.provider == Order.Provider.MANUAL:
        _transfer_instructions_send(order=order)
    elif order.provider == Order.Provider.STRIPE:
        # After the commit: never call Stripe while holding a transaction.
        return CheckoutResult(
            order=order, waitlisted=waitlisted, client_secret=order_stripe_start(order=order)
        )
    return CheckoutResult(order=order, waitlisted=waitlisted)


def _transfer_instructions_send(*, order: Order) -> None:
    """Email a bank-transfer buyer the account, reference, amount and deadline,
    through the outbox, once the caller's transaction commits."""
    from core_apps.orders.tasks import order_transfer_instructions_task
    from pista.tasks import task_enqueue_on_commit

    task_enqueue_on_commit(
        order_transfer_instructions_task,
        dedupe_key=f"order-transfer-instructions:{order.pk}",
        order_id=order.pk,
    )


def positions_create(
    *,
    order: Order,
    admitted: Sequence[tuple[Registration, Sequence[str]]],
    promo: PromoCode | None,
    promo_products: set[int],
    now: datetime,
) -> None:
    """Create the tickets of registrations that hold their places (one per
    admitted role: a couple gets two that point at each other), priced now
    with the promo code, and settle the order's totals, status and hold expiry
    — inside the caller's transaction. Counts them as sold on their products.
    Raises InvalidProvider when a non-free order was asked to be free."""
    per_product: Counter[int] = Counter()
    for reg, roles in admitted:
        per_product[reg.product.pk] += len(roles)
    before = products_sold_add(product_ids_with_counts=per_product)
    positions: list[Position] = []
    couples: list[tuple[int, int]] = []
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
                quota_ids=product_quota_ids(product=product),
                price_minor=paid,
                tax_rate=rate,
                tax_minor=tax_included(paid, rate),
                tier=price.tier or "",
                event_date=reg.event_date,
                secret=secrets.token_urlsafe(24),
                checkins_left=product.checkins if product.kind == Product.Kind.CLASS_PACK else None,
                valid_until=(
                    now + timedelta(days=product.valid_days)
                    if product.kind == Product.Kind.CLASS_PACK and product.valid_days
                    else None
                ),
            )
            if is_partner:
                couples.append((len(positions) - 1, len(positions)))
            positions.append(position)
            subtotal += price.minor
            discount += off
            tax += position.tax_minor
    Position.objects.bulk_create(positions)
    if couples:
        # The two tickets of a couple point at each other (partner claims).
        for i, j in couples:
            positions[i].partner, positions[j].partner = positions[j], positions[i]
        Position.objects.bulk_update([positions[k] for pair in couples for k in pair], ["partner"])
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
        raise InvalidProvider(_("Choose how to pay: this order isn't free."))
    elif order.provider == Order.Provider.MANUAL:
        order.expires_at = now + timedelta(days=manual_payment_days())
        order.payment_reference = order.code
    else:
        order.expires_at = now + timedelta(minutes=hold_minutes())
    order.save()
    order_log(
        order=order,
        action="order.placed",
        total_minor=order.total_minor,
        positions=len(positions),
    )
    if order.status == Order.Status.PAID:
        order_log(order=order, action="order.paid", provider=order.provider)
