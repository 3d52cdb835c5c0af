"""Writes about the catalogue: quotas, products, price tiers, questions.

Every write that an organizer triggers takes an ``actor`` and checks their
permission here, not in the view; ``actor=None`` is a trusted internal caller
(demo data, tasks). Invalid input raises Django's ``ValidationError`` with a
message per field, which forms show next to the field and the API returns as
``400 {"code": "invalid", "errors": {field: [...]}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext, gettext_lazy

from core_apps.privacy.services import audit_record
from core_apps.ticketing.balance import (
    BalanceRules,
    DanceRole,
    Mode,
    Policy,
    balance_decide,
)
from core_apps.ticketing.models import (
    AttendeeQuestion,
    BalancePolicy,
    PriceTier,
    Product,
    Quota,
    RoleMode,
)
from core_apps.ticketing.sold_out import products_sold_out_forget, quotas_sold_out_forget
from pista.errors import ApplicationError, PermissionDenied
from pista.pagecache.store import page_cache_invalidate
from tenants.current import community_current

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.events.models import Event, EventDate


class SoldOut(ApplicationError):
    default_code = "sold_out"
    status_code = 409


class RoleImbalance(ApplicationError):
    """The registration would unbalance leaders and followers: waitlist it."""

    default_code = "role_imbalance"
    status_code = 409


def _permission_require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(gettext("You may not manage the catalogue of this community."))


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def quota_rules(*, quota: Quota) -> BalanceRules:
    """The balance rules of a quota, for ``balance_decide``."""
    return BalanceRules(
        mode=Mode(quota.role_mode),
        policy=Policy(quota.balance_policy),
        max_difference=max(quota.max_difference, 1),
        max_ratio=max(Decimal(quota.max_ratio), Decimal(1)),
        grace=quota.grace,
        couples_together=quota.couples_together,
    )


# --- Quotas -----------------------------------------------------------------

QUOTA_FIELDS = {
    "name",
    "size",
    "event",
    "role_mode",
    "balance_policy",
    "max_difference",
    "max_ratio",
    "grace",
    "couples_together",
}


def quota_validate(quota: Quota) -> None:
    errors: dict[str, list[str]] = {}
    if not (quota.name or "").strip():
        errors["name"] = [gettext("Give the quota a name.")]
    if quota.size is None or int(quota.size) < 0:
        errors["size"] = [gettext("The size must be zero or more.")]
    elif int(quota.size) < quota.sold:
        errors["size"] = [f"{quota.sold} places are already sold; the size can't be smaller."]
    elif int(quota.size) == 0 and (
        quota.pk and quota.products.filter(status=Product.Status.PUBLISHED).exists()
    ):
        errors["size"] = [gettext("A published product draws on this quota: it can't be zero.")]
    if quota.role_mode not in RoleMode.values:
        errors["role_mode"] = [gettext("Choose how roles are handled.")]
    if quota.balance_policy not in BalancePolicy.values:
        errors["balance_policy"] = [gettext("Choose a balance policy.")]
    if quota.max_difference is None or int(quota.max_difference) < 1:
        errors["max_difference"] = [gettext("The maximum difference must be at least 1.")]
    try:
        ratio = Decimal(str(quota.max_ratio))
    except (InvalidOperation, TypeError, ValueError):
        errors["max_ratio"] = [gettext("Enter a number such as 1.2.")]
    else:
        if not ratio.is_finite() or ratio < 1:
            errors["max_ratio"] = [gettext("The maximum ratio must be at least 1 (e.g. 1.2).")]
        elif ratio >= 1000:
            errors["max_ratio"] = [gettext("The maximum ratio must be below 1000.")]
    if quota.grace is None or int(quota.grace) < 0:
        errors["grace"] = [gettext("The grace count must be zero or more.")]
    _raise_if(errors)


@transaction.atomic
def quota_create(*, actor: User | None, name: str, size: int, **fields: Any) -> Quota:
    """Create a quota. Raises ValidationError, PermissionDenied."""
    _permission_require(actor, "ticketing.add_quota")
    unknown = set(fields) - QUOTA_FIELDS
    if unknown:
        raise TypeError(f"unknown quota fields: {sorted(unknown)}")
    quota = Quota(name=name, size=size, **fields)
    quota_validate(quota)
    quota.save()
    audit_record("quota.create", actor=actor, target=quota, data={"size": quota.size})
    page_cache_invalidate()
    return quota


@transaction.atomic
def quota_update(*, actor: User | None, quota: Quota, **fields: Any) -> Quota:
    """Change a quota's size or rules (not its counters). Raises ValidationError."""
    _permission_require(actor, "ticketing.change_quota")
    unknown = set(fields) - QUOTA_FIELDS
    if unknown:
        raise TypeError(f"unknown quota fields: {sorted(unknown)}")
    quota = Quota.objects.select_for_update().get(pk=quota.pk)
    for field, value in fields.items():
        setattr(quota, field, value)
    quota_validate(quota)
    quota.save()
    quotas_sold_out_forget(quota_ids=[quota.pk])
    audit_record("quota.update", actor=actor, target=quota, data={"fields": sorted(fields)})
    page_cache_invalidate()
    return quota


@dataclass(frozen=True)
class QuotaReserved:
    """A quota's counters right after a reservation."""

    quota_id: int
    size: int
    sold: int
    sold_lead: int
    sold_follow: int
    role: DanceRole | None


_RESERVE_SQL = """
    UPDATE ticketing_quota
       SET sold = sold + %(n)s,
           sold_lead = sold_lead + %(leads)s,
           sold_follow = sold_follow + %(follows)s
     WHERE id = %(id)s AND sold + %(n)s <= size
 RETURNING id, size, sold, sold_lead, sold_follow
"""
# What a dancer hears when their role has to wait (RoleImbalance).
ROLE_WAITING_MESSAGES = {
    DanceRole.LEAD: gettext_lazy("No place for leaders right now: join the waitlist."),
    DanceRole.FOLLOW: gettext_lazy("No place for followers right now: join the waitlist."),
    DanceRole.SWITCH: gettext_lazy("No place for switches right now: join the waitlist."),
}
_RULE_FIELDS = (
    "role_mode",
    "balance_policy",
    "max_difference",
    "max_ratio",
    "grace",
    "couples_together",
)


def quotas_reserve(
    *,
    quota_ids_with_counts: Mapping[int, int],
    role: DanceRole | str | None = None,
    couple: bool = False,
) -> list[QuotaReserved]:
    """Take ``n`` places from each quota, inside the caller's transaction.

    One conditional ``UPDATE … WHERE sold + n <= size RETURNING …`` per quota,
    in pk order (every caller locks in the same order, so two checkouts never
    deadlock). With a ``role`` (or ``couple=True``, which means ``n == 2``), a
    quota that balances roles is first locked with ``SELECT … FOR UPDATE`` and
    ``balance_decide`` is applied to each of the ``n`` dancers in turn.

    Runs in a savepoint: on error nothing is reserved. Raises SoldOut (with
    ``extra["quota_id"]``) and RoleImbalance (with ``extra["role"]``).
    """
    if couple and any(n != 2 for n in quota_ids_with_counts.values()):
        raise ValueError("a couple takes exactly two places")
    results = []
    with transaction.atomic(), connection.cursor() as cursor:
        for quota_id in sorted(quota_ids_with_counts):
            n = int(quota_ids_with_counts[quota_id])
            if n <= 0:
                raise ValueError("counts must be positive")
            leads = follows = 0
            placed: DanceRole | None = None
            if role or couple:
                quota = (
                    Quota.objects.select_for_update()
                    .only(*_RULE_FIELDS, "sold_lead", "sold_follow")
                    .filter(pk=quota_id)
                    .first()
                )
                if quota is None:
                    raise SoldOut(gettext("This is sold out."), extra={"quota_id": quota_id})
                if quota.role_mode != RoleMode.OFF:
                    rules = quota_rules(quota=quota)
                    s_lead, s_follow = quota.sold_lead, quota.sold_follow
                    for _ in range(1 if couple else n):
                        decision = balance_decide(
                            rules=rules,
                            leads=s_lead + leads,
                            follows=s_follow + follows,
                            role=None if couple else role,
                            couple=couple,
                        )
                        if not decision.admitted:
                            waiting = decision.waitlist[0]
                            raise RoleImbalance(
                                str(ROLE_WAITING_MESSAGES[waiting]),
                                extra={"quota_id": quota_id, "role": str(waiting)},
                            )
                        leads += decision.leads
                        follows += decision.follows
                        placed = decision.role
            cursor.execute(
                _RESERVE_SQL, {"id": quota_id, "n": n, "leads": leads, "follows": follows}
            )
            row = cursor.fetchone()
            if row is None:
                raise SoldOut(gettext("This is sold out."), extra={"quota_id": quota_id})
            quota_pk, size, sold, sold_lead, sold_follow = row
            results.append(
                QuotaReserved(
                    quota_id=quota_pk,
                    size=size,
                    sold=sold,
                    sold_lead=sold_lead,
                    sold_follow=sold_follow,
                    role=placed,
                )
            )
    return results


def quotas_release(
    *, quota_ids_with_counts: Mapping[int, int], leads: int = 0, follows: int = 0
) -> None:
    """Give places back (a cancelled order or an expired hold), in pk order."""
    with transaction.atomic(), connection.cursor() as cursor:
        for quota_id in sorted(quota_ids_with_counts):
            n = int(quota_ids_with_counts[quota_id])
            cursor.execute(
                """
                UPDATE ticketing_quota
                   SET sold = sold - %(n)s,
                       sold_lead = GREATEST(sold_lead - %(leads)s, 0),
                       sold_follow = GREATEST(sold_follow - %(follows)s, 0)
                 WHERE id = %(id)s AND sold >= %(n)s
                """,
                {"id": quota_id, "n": n, "leads": leads, "follows": follows},
            )
    quotas_sold_out_forget(quota_ids=quota_ids_with_counts)


def quotas_lock(*, quota_ids: Iterable[int]) -> None:
    """Lock quota rows with ``SELECT … FOR UPDATE`` in pk order, until the
    caller's transaction ends (outside one Django raises
    TransactionManagementError).

    An order whose registrations draw on several quotas locks them all first,
    so two such orders never wait on each other in a cycle; the
    ``quotas_reserve`` calls that follow find the rows already theirs.
    """
    ids = sorted(set(quota_ids))
    if ids:
        list(Quota.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def quotas_role_move(
    *, quota_ids: Iterable[int], from_role: DanceRole | str, to_role: DanceRole | str
) -> None:
    """Move one sold place from ``from_role``'s counter to ``to_role``'s on each
    role-balanced quota of ``quota_ids`` (``sold`` is unchanged; quotas without
    roles are left alone). A switch or no role has no counter of its own.

    No balance decision: the caller has decided that this move may happen (a
    staff override). One ``UPDATE`` per quota in pk order, inside the caller's
    transaction.
    """
    lead_delta = int(to_role == DanceRole.LEAD) - int(from_role == DanceRole.LEAD)
    follow_delta = int(to_role == DanceRole.FOLLOW) - int(from_role == DanceRole.FOLLOW)
    if not lead_delta and not follow_delta:
        return
    for quota_id in sorted(set(quota_ids)):
        Quota.objects.filter(pk=quota_id).exclude(role_mode=RoleMode.OFF).update(
            sold_lead=F("sold_lead") + lead_delta, sold_follow=F("sold_follow") + follow_delta
        )


def products_sold_add(*, product_ids_with_counts: Mapping[int, int]) -> dict[int, int]:
    """Count ``n`` more tickets sold of each product (first-N price tiers read
    the count), in pk order, inside the caller's transaction. Returns each
    product's count *before*: the caller's tickets are numbers before + 1 to
    before + n, whatever other checkouts do meanwhile.
    """
    before: dict[int, int] = {}
    with connection.cursor() as cursor:
        for product_id in sorted(product_ids_with_counts):
            n = int(product_ids_with_counts[product_id])
            cursor.execute(
                "UPDATE ticketing_product SET sold_count = sold_count + %s WHERE id = %s "
                "RETURNING sold_count",
                [n, product_id],
            )
            row = cursor.fetchone()
            if row is None:
                raise Product.DoesNotExist(f"no product {product_id}")
            before[product_id] = int(row[0]) - n
    return before


def products_sold_subtract(*, product_ids_with_counts: Mapping[int, int]) -> None:
    """Count ``n`` fewer tickets sold of each product (cancelled, refunded or
    expired), never below zero, in pk order, inside the caller's transaction."""
    for product_id in sorted(product_ids_with_counts):
        n = int(product_ids_with_counts[product_id])
        Product.objects.filter(pk=product_id).update(
            sold_count=Greatest(F("sold_count") - n, Value(0))
        )


# --- Products ---------------------------------------------------------------

PRODUCT_FIELDS = {
    "name",
    "description",
    "kind",
    "status",
    "event",
    "price_minor",
    "currency",
    "tax_rate",
    "sale_starts_at",
    "sale_ends_at",
    "min_per_order",
    "max_per_order",
    "is_hidden",
    "unlock_code",
    "checkins",
    "valid_days",
    "period",
    "position",
}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def product_validate(product: Product, *, quotas: list[Quota] | None) -> None:
    errors: dict[str, list[str]] = {}
    if not (product.name or "").strip():
        errors["name"] = [gettext("Give the product a name.")]
    if product.kind not in Product.Kind.values:
        errors["kind"] = [gettext("Choose what kind of product this is.")]
    if product.status not in Product.Status.values:
        errors["status"] = [gettext("Choose a status.")]
    price = _int_or_none(product.price_minor)
    if price is None:
        errors["price_minor"] = [gettext("Enter the price in minor units (cents).")]
    elif price < 0:
        errors["price_minor"] = [gettext("The price can't be below zero.")]
    community_currency = community_current().currency
    if (product.currency or "").upper() != community_currency:
        errors["currency"] = [
            gettext("This community sells in %(community_currency)s, not %(currency)s.")
            % {"community_currency": community_currency, "currency": product.currency or "—"}
        ]
    try:
        tax = Decimal(str(product.tax_rate))
        if not tax.is_finite() or not (0 <= tax <= 100):
            raise ValueError
    except (InvalidOperation, ValueError):
        errors["tax_rate"] = [gettext("The tax rate is a percentage between 0 and 100.")]
    for field in ("sale_starts_at", "sale_ends_at"):
        value = getattr(product, field)
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            errors[field] = [gettext("Give a date and time with a time zone.")]
    if (
        "sale_starts_at" not in errors
        and "sale_ends_at" not in errors
        and product.sale_starts_at
        and product.sale_ends_at
        and product.sale_ends_at <= product.sale_starts_at
    ):
        errors["sale_ends_at"] = [gettext("The sale must end after it starts.")]
    low, high = _int_or_none(product.min_per_order), _int_or_none(product.max_per_order)
    if low is None or low < 1:
        errors["min_per_order"] = [gettext("At least 1 per order.")]
    if high is None or high < 1:
        errors["max_per_order"] = [gettext("At least 1 per order.")]
    elif low is not None and high < low:
        errors["max_per_order"] = [
            gettext("The maximum per order can't be below the minimum (%(low)s).") % {"low": low}
        ]
    if product.is_hidden and not (product.unlock_code or "").strip():
        errors["unlock_code"] = [gettext("A hidden product needs the code that unlocks it.")]
    if product.kind == Product.Kind.CLASS_PACK:
        if not product.checkins or int(product.checkins) < 1:
            errors["checkins"] = [gettext("A class pack has at least one check-in.")]
        if not product.valid_days or int(product.valid_days) < 1:
            errors["valid_days"] = [gettext("A class pack is valid for at least one day.")]
    if product.kind == Product.Kind.MEMBERSHIP and product.period not in Product.Period.values:
        errors["period"] = [gettext("A membership renews every month or every year.")]
    if product.status == Product.Status.PUBLISHED and quotas is not None:
        if not quotas:
            errors["quotas"] = [gettext("A published product must draw on at least one quota.")]
        elif any(quota.size == 0 for quota in quotas):
            errors["quotas"] = [gettext("A published product can't draw on a quota of zero.")]
    _raise_if(errors)


def _product_relations_set(
    product: Product,
    *,
    quotas: Iterable[Quota] | None,
    covers_events: Iterable[Event] | None,
    covers_dates: Iterable[EventDate] | None,
) -> None:
    if quotas is not None:
        product.quotas.set(quotas)
    if covers_events is not None:
        product.covers_events.set(covers_events)
    if covers_dates is not None:
        product.covers_dates.set(covers_dates)


@transaction.atomic
def product_create(
    *,
    actor: User | None,
    name: str,
    price_minor: int,
    quotas: Iterable[Quota] = (),
    covers_events: Iterable[Event] = (),
    covers_dates: Iterable[EventDate] = (),
    tiers: Iterable[Mapping[str, Any]] | None = None,
    questions: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Product:
    """Create a product; the currency defaults to the community's. ``tiers`` and
    ``questions`` hold the keyword arguments of ``price_tier_add`` and
    ``attendee_question_add``.

    Raises ValidationError (per field), PermissionDenied.
    """
    _permission_require(actor, "ticketing.add_product")
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"unknown product fields: {sorted(unknown)}")
    fields.setdefault("currency", community_current().currency)
    product = Product(name=name, price_minor=price_minor, **fields)
    quota_list = list(quotas)
    product_validate(product, quotas=quota_list)
    product.currency = product.currency.upper()
    product.save()
    _product_relations_set(
        product, quotas=quota_list, covers_events=covers_events, covers_dates=covers_dates
    )
    _product_extras_replace(actor, product, tiers=tiers, questions=questions)
    audit_record(
        "product.create",
        actor=actor,
        target=product,
        data={"status": product.status, "price_minor": product.price_minor},
    )
    # Something new to sell: an event's queue no longer says it is sold out.
    products_sold_out_forget(product_ids=[product.pk])
    page_cache_invalidate()
    return product


@transaction.atomic
def product_update(
    *,
    actor: User | None,
    product: Product,
    quotas: Iterable[Quota] | None = None,
    covers_events: Iterable[Event] | None = None,
    covers_dates: Iterable[EventDate] | None = None,
    tiers: Iterable[Mapping[str, Any]] | None = None,
    questions: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Product:
    """Change a product (publishing included); given ``tiers`` or ``questions``
    replace the existing ones. Raises ValidationError, PermissionDenied."""
    _permission_require(actor, "ticketing.change_product")
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"unknown product fields: {sorted(unknown)}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    for field, value in fields.items():
        setattr(product, field, value)
    quota_list = list(quotas) if quotas is not None else list(product.quotas.all())
    product_validate(product, quotas=quota_list)
    product.currency = product.currency.upper()
    product.save()
    _product_relations_set(
        product, quotas=quotas, covers_events=covers_events, covers_dates=covers_dates
    )
    _product_extras_replace(actor, product, tiers=tiers, questions=questions)
    products_sold_out_forget(product_ids=[product.pk])
    audit_record(
        "product.update",
        actor=actor,
        target=product,
        data={"fields": sorted(fields), "status": product.status},
    )
    page_cache_invalidate()
    return product


def _product_extras_replace(
    actor: User | None,
    product: Product,
    *,
    tiers: Iterable[Mapping[str, Any]] | None,
    questions: Iterable[Mapping[str, Any]] | None,
) -> None:
    """Replace tiers and questions; their errors are reported on ``tiers`` and
    ``questions`` with the item's number (the caller's transaction rolls back)."""
    errors: dict[str, list[str]] = {}
    for field, items, add, related in (
        ("tiers", tiers, price_tier_add, product.tiers),
        ("questions", questions, attendee_question_add, product.questions),
    ):
        if items is None:
            continue
        related.all().delete()
        for number, item in enumerate(items, start=1):
            try:
                add(actor=actor, product=product, **item)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(
                    f"#{number} {name}: {message}"
                    for name, messages in exc.message_dict.items()
                    for message in messages
                )
    _raise_if(errors)


def product_publish(*, actor: User | None, product: Product) -> Product:
    """Put a product on sale. Raises ValidationError (e.g. a quota of zero)."""
    return product_update(actor=actor, product=product, status=Product.Status.PUBLISHED)


def product_archive(*, actor: User | None, product: Product) -> Product:
    """Take a product off sale (sold tickets stay valid)."""
    return product_update(actor=actor, product=product, status=Product.Status.ARCHIVED)


@transaction.atomic
def product_duplicate(*, actor: User | None, product: Product) -> Product:
    """A draft copy of a product with its quotas, coverage, tiers and questions."""
    _permission_require(actor, "ticketing.add_product")
    copy = Product.objects.get(pk=product.pk)
    copy.pk = None
    copy.name = f"{product.name} (copy)"
    copy.status = Product.Status.DRAFT
    copy.sold_count = 0
    copy.save()
    copy.quotas.set(product.quotas.all())
    copy.covers_events.set(product.covers_events.all())
    copy.covers_dates.set(product.covers_dates.all())
    PriceTier.objects.bulk_create(
        PriceTier(
            product=copy,
            name=t.name,
            price_minor=t.price_minor,
            ends_at=t.ends_at,
            first_n=t.first_n,
            position=t.position,
        )
        for t in product.tiers.all()
    )
    AttendeeQuestion.objects.bulk_create(
        AttendeeQuestion(
            product=copy,
            label=q.label,
            kind=q.kind,
            choices=q.choices,
            required=q.required,
            position=q.position,
        )
        for q in product.questions.all()
    )
    return copy


@transaction.atomic
def price_tier_add(
    *,
    actor: User | None,
    product: Product,
    name: str,
    price_minor: int,
    ends_at: datetime | None = None,
    first_n: int | None = None,
) -> PriceTier:
    """Add an early-bird tier (until a date and/or for the first N sold)."""
    _permission_require(actor, "ticketing.change_product")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [gettext("Give the tier a name.")]
    price = _int_or_none(price_minor)
    if price is None or price < 0:
        errors["price_minor"] = [gettext("The price can't be below zero.")]
    if ends_at is None and first_n is None:
        errors["ends_at"] = [gettext("A tier ends at a date, after the first N sold, or both.")]
    if ends_at is not None and ends_at.tzinfo is None:
        errors["ends_at"] = [gettext("Give a date and time with a time zone.")]
    if first_n is not None and int(first_n) < 1:
        errors["first_n"] = [gettext("At least 1.")]
    _raise_if(errors)
    position = product.tiers.count()
    tier = PriceTier.objects.create(
        product=product,
        name=name,
        price_minor=price_minor,
        ends_at=ends_at,
        first_n=first_n,
        position=position,
    )
    page_cache_invalidate()
    return tier


@transaction.atomic
def attendee_question_add(
    *,
    actor: User | None,
    product: Product,
    label: str,
    kind: str = AttendeeQuestion.Kind.TEXT,
    choices: list[str] | None = None,
    required: bool = False,
) -> AttendeeQuestion:
    """Ask every attendee of a product a question (text, choice or checkbox)."""
    _permission_require(actor, "ticketing.change_product")
    errors: dict[str, list[str]] = {}
    if not label.strip():
        errors["label"] = [gettext("Write the question.")]
    if kind not in AttendeeQuestion.Kind.values:
        errors["kind"] = [gettext("Choose text, choice or checkbox.")]
    cleaned = [c.strip() for c in choices or [] if c.strip()]
    if kind == AttendeeQuestion.Kind.CHOICE and len(cleaned) < 2:
        errors["choices"] = [gettext("A choice question needs at least two choices.")]
    _raise_if(errors)
    return AttendeeQuestion.objects.create(
        product=product,
        label=label,
        kind=kind,
        choices="\n".join(cleaned),
        required=required,
        position=product.questions.count(),
    )
