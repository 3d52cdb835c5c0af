"""Promo codes, written by staff: percent or fixed (minor units off per
ticket), usage limits, a validity window, restricted products — and hidden
products they unlock (a hidden product among a code's products is sold with
that code). Every write is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core_apps.orders.models import PromoCode
from core_apps.privacy.services import audit_record
from pista.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.ticketing.models import Product

CODE_MAX = 64


class InvalidPromoCode(ApplicationError):
    default_code = "invalid_promo_code"


@dataclass(frozen=True)
class PromoCodeIn:
    code: str
    kind: str
    value: int  # percent, or minor units off per ticket
    max_uses: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("Staff only."))


def _validate(data: PromoCodeIn, *, exclude_pk: int | None, used: int = 0) -> str:
    code = data.code.strip()
    if not code or len(code) > CODE_MAX or any(c.isspace() for c in code):
        raise InvalidPromoCode(
            _("Give a code of at most %(n)d characters, without spaces.") % {"n": CODE_MAX},
            code="code_invalid",
            extra={"field": "code"},
        )
    if data.kind not in PromoCode.Kind.values:
        raise InvalidPromoCode(
            _("Choose percent or fixed."), code="kind_invalid", extra={"field": "kind"}
        )
    if data.value < 0:
        raise InvalidPromoCode(
            _("The value can't be negative."), code="value_negative", extra={"field": "value"}
        )
    if data.kind == PromoCode.Kind.PERCENT and not 0 < data.value <= 100:
        raise InvalidPromoCode(
            _("A percentage is between 1 and 100."),
            code="percent_out_of_range",
            extra={"field": "value"},
        )
    if data.max_uses is not None and (data.max_uses < 1 or data.max_uses < used):
        raise InvalidPromoCode(
            _("The limit must be at least 1 and at least the %(used)d uses so far.")
            % {"used": used},
            code="max_uses_invalid",
            extra={"field": "max_uses"},
        )
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        raise InvalidPromoCode(
            _("The end must be after the start."),
            code="window_invalid",
            extra={"field": "valid_until"},
        )
    taken = PromoCode.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise InvalidPromoCode(
            _("This code is already used by another promo code."),
            code="code_taken",
            extra={"field": "code"},
        )
    return code


def _audit(action: str, promo: PromoCode, actor: User | None) -> None:
    audit_record(
        action,
        actor=actor,
        target=promo,
        data={
            "code": promo.code,
            "kind": promo.kind,
            "value": promo.value,
            "max_uses": promo.max_uses,
            "valid_from": promo.valid_from.isoformat() if promo.valid_from else None,
            "valid_until": promo.valid_until.isoformat() if promo.valid_until else None,
            "products": sorted(p.pk for p in promo.products.all()),
            "is_active": promo.is_active,
        },
    )


@transaction.atomic
def promo_code_create(
    *, actor: User | None, data: PromoCodeIn, products: Iterable[Product] = ()
) -> PromoCode:
    """A new promo code. Raises PermissionDenied, InvalidPromoCode (negative
    value, percent over 100, end before start, code taken …)."""
    _require(actor, "orders.add_promocode")
    code = _validate(data, exclude_pk=None)
    promo = PromoCode.objects.create(
        code=code,
        kind=data.kind,
        value=data.value,
        max_uses=data.max_uses,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )
    promo.products.set(list(products))
    _audit("promo_code.create", promo, actor)
    return promo


@transaction.atomic
def promo_code_update(
    *, actor: User | None, promo: PromoCode, data: PromoCodeIn, products: Iterable[Product]
) -> PromoCode:
    """Change a promo code; orders already placed keep their discount. Raises
    PermissionDenied, InvalidPromoCode."""
    _require(actor, "orders.change_promocode")
    locked = PromoCode.objects.select_for_update().get(pk=promo.pk)
    code = _validate(data, exclude_pk=locked.pk, used=locked.used)
    fields: dict[str, Any] = {
        "code": code,
        "kind": data.kind,
        "value": data.value,
        "max_uses": data.max_uses,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
    }
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    locked.products.set(list(products))
    _audit("promo_code.update", locked, actor)
    return locked


@transaction.atomic
def promo_code_set_active(*, actor: User | None, promo: PromoCode, active: bool) -> PromoCode:
    """Deactivate (checkout refuses it from now on) or reactivate a promo code.
    Raises PermissionDenied."""
    _require(actor, "orders.change_promocode")
    PromoCode.objects.filter(pk=promo.pk).update(is_active=active)
    promo.refresh_from_db()
    _audit("promo_code.activate" if active else "promo_code.deactivate", promo, actor)
    return promo
