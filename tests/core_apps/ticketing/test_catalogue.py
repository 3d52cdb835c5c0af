"""Prices, tiers, sale windows and product rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core_apps.ticketing.models import AttendeeQuestion, Product
from core_apps.ticketing.selectors import product_availability, product_price_current
from core_apps.ticketing.services import (
    attendee_question_add,
    price_tier_add,
    product_create,
    product_update,
    quota_create,
)

pytestmark = pytest.mark.django_db


def _product(**extra):
    quota = quota_create(actor=None, name="Hall", size=100)
    return product_create(actor=None, name="Full pass", price_minor=15000, quotas=[quota], **extra)


def test_the_currency_defaults_to_the_communitys(in_a):
    assert _product().currency == in_a.currency


def test_early_bird_tiers_apply_until_their_date_or_until_the_first_n_are_sold(in_a):
    product = _product(status=Product.Status.PUBLISHED)
    now = timezone.now()
    price_tier_add(
        actor=None,
        product=product,
        name="Super early",
        price_minor=9000,
        ends_at=now + timedelta(days=1),
        first_n=10,
    )
    price_tier_add(actor=None, product=product, name="Early", price_minor=12000, first_n=50)
    assert product_price_current(product=product, now=now).tier == "Super early"
    assert product_price_current(product=product, now=now + timedelta(days=2)).minor == 12000
    product.sold_count = 10
    assert product_price_current(product=product, now=now).tier == "Early"
    product.sold_count = 50
    price = product_price_current(product=product, now=now)
    assert (price.minor, price.tier, price.amount) == (15000, None, "150.00")


def test_a_product_is_on_sale_only_inside_its_sale_window(in_a):
    now = timezone.now()
    product = _product(
        status=Product.Status.PUBLISHED,
        sale_starts_at=now + timedelta(days=1),
        sale_ends_at=now + timedelta(days=10),
    )
    assert not product_availability(product=product, now=now).on_sale
    assert product_availability(product=product, now=now + timedelta(days=2)).on_sale
    assert not product_availability(product=product, now=now + timedelta(days=11)).on_sale


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": Product.Kind.CLASS_PACK, "checkins": 10}, "valid_days"),
        ({"kind": Product.Kind.MEMBERSHIP}, "period"),
        ({"currency": "GBP"}, "currency"),
        ({"price_minor": -1}, "price_minor"),
        ({"min_per_order": 0}, "min_per_order"),
    ],
)
def test_product_rules_are_reported_per_field(in_a, fields, field):
    with pytest.raises(ValidationError) as exc:
        product_create(actor=None, **{"name": "X", "price_minor": 100, **fields})
    assert field in exc.value.message_dict


def test_a_class_pack_and_a_membership_carry_their_terms(in_a):
    pack = _product(kind=Product.Kind.CLASS_PACK, checkins=10, valid_days=90)
    membership = product_update(
        actor=None, product=pack, kind=Product.Kind.MEMBERSHIP, period=Product.Period.MONTH
    )
    assert (membership.checkins, membership.period) == (10, "month")


def test_attendee_questions_keep_their_kind_choices_and_required_flag(in_a):
    product = _product()
    attendee_question_add(
        actor=None,
        product=product,
        label="Role?",
        kind="choice",
        choices=["Lead", " Follow ", ""],
        required=True,
    )
    attendee_question_add(actor=None, product=product, label="Vegan dinner", kind="checkbox")
    first, second = product.questions.all()
    assert (first.choice_list, first.required) == (["Lead", "Follow"], True)
    assert second.kind == AttendeeQuestion.Kind.CHECKBOX
    with pytest.raises(ValidationError) as exc:
        attendee_question_add(actor=None, product=product, label="Pick", kind="choice")
    assert "choices" in exc.value.message_dict


def test_a_tier_below_zero_or_without_a_limit_is_refused(in_a):
    product = _product()
    with pytest.raises(ValidationError) as exc:
        price_tier_add(actor=None, product=product, name="Bad", price_minor=-5)
    assert {"price_minor", "ends_at"} <= set(exc.value.message_dict)
