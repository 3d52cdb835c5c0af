"""Promo codes in the back office: written through the services (audited),
bad input refused with nothing saved, deactivation, usage shown, hidden
products bought through the HTML checkout with their code, tenant boundary."""

from __future__ import annotations

from datetime import UTC

import pytest
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, PromoCode
from core_apps.orders.services import (
    InvalidPromoCode,
    PromoCodeIn,
    promo_code_create,
)
from core_apps.privacy.models import AuditEntry
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


def _form(**overrides):
    data = {"code": "EARLY", "kind": "fixed", "value": "12.50", "max_uses": "10"}
    data.update(overrides)
    return data


def test_a_fixed_code_is_typed_as_a_decimal_and_stored_in_minor_units(staff, client_a):
    product = ProductFactory(event=EventFactory())
    response = client_a.post(
        "/manage/promo-codes/new/",
        _form(valid_from="2031-01-01T10:00", valid_until="2031-02-01T10:00", products=[product.pk]),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    promo = PromoCode.objects.get()
    assert (promo.code, promo.kind, promo.value, promo.max_uses) == ("EARLY", "fixed", 1250, 10)
    assert list(promo.products.all()) == [product]
    entry = AuditEntry.objects.get(action="promo_code.create")
    assert entry.actor == staff and entry.data["value"] == 1250
    listed = client_a.get("/manage/promo-codes/").content.decode()
    assert "EARLY" in listed and "€12.50" in listed and "0 / 10" in listed


@pytest.mark.parametrize(
    "overrides",
    [
        {"value": "-5"},
        {"kind": "percent", "value": "150"},
        {"value": "1.234"},
        {"valid_from": "2031-02-01T10:00", "valid_until": "2031-01-01T10:00"},
        {"code": "has space"},
    ],
)
def test_bad_input_is_refused_with_nothing_saved(staff, client_a, overrides):
    response = client_a.post("/manage/promo-codes/new/", _form(**overrides))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not PromoCode.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="promo_code.").exists()


def test_the_service_refuses_negative_values_and_windows_ending_before_they_start(staff):
    from datetime import datetime, timedelta

    start = datetime(2031, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidPromoCode) as negative:
        promo_code_create(actor=staff, data=PromoCodeIn(code="NEG", kind="fixed", value=-1))
    assert negative.value.code == "value_negative"
    with pytest.raises(InvalidPromoCode) as window:
        promo_code_create(
            actor=staff,
            data=PromoCodeIn(
                code="WIN",
                kind="percent",
                value=10,
                valid_from=start,
                valid_until=start - timedelta(days=1),
            ),
        )
    assert window.value.code == "window_invalid"
    promo_code_create(actor=staff, data=PromoCodeIn(code="TAKEN", kind="percent", value=10))
    with pytest.raises(InvalidPromoCode) as taken:
        promo_code_create(actor=staff, data=PromoCodeIn(code="taken", kind="percent", value=5))
    assert taken.value.code == "code_taken"
    assert list(PromoCode.objects.values_list("code", flat=True)) == ["TAKEN"]


def test_editing_and_deactivating_are_audited_and_checkout_refuses_an_inactive_code(
    staff, client_a
):
    product = ProductFactory(event=EventFactory(), quotas=[QuotaFactory()])
    promo = promo_code_create(actor=staff, data=PromoCodeIn(code="TEN", kind="percent", value=10))
    edit = client_a.get(f"/manage/promo-codes/{promo.pk}/")
    assert edit.status_code == 200 and 'value="10"' in edit.content.decode()
    saved = client_a.post(
        f"/manage/promo-codes/{promo.pk}/", _form(code="TEN", kind="percent", value="20")
    )
    assert saved.status_code == 302
    promo.refresh_from_db()
    assert promo.value == 20
    assert AuditEntry.objects.filter(action="promo_code.update").count() == 1
    off = client_a.post(f"/manage/promo-codes/{promo.pk}/active/", {"active": "0"})
    assert off.status_code == 302
    promo.refresh_from_db()
    assert not promo.is_active
    assert AuditEntry.objects.get(action="promo_code.deactivate").actor == staff
    checkout = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "a@example.org",
            "name": "A",
            "provider": "manual",
            "promo_code": "TEN",
            "lines": [{"product": product.pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert checkout.status_code == 400 and checkout.json()["code"] == "promo_inactive"


def test_a_hidden_product_is_bought_through_the_html_checkout_with_its_code(staff, client_a):
    hidden = ProductFactory(
        name="Crew pass",
        event=EventFactory(),
        is_hidden=True,
        price_minor=5000,
        quotas=[QuotaFactory()],
    )
    promo = promo_code_create(
        actor=staff,
        data=PromoCodeIn(code="CREW", kind="fixed", value=1000),
        products=[hidden],
    )
    listed = client_a.get("/manage/promo-codes/").content.decode()
    assert f"/orders/checkout/{hidden.pk}/?code=CREW" in listed
    client_a.logout()
    assert client_a.get(f"/orders/checkout/{hidden.pk}/").status_code == 404
    assert client_a.get(f"/orders/checkout/{hidden.pk}/?code=WRONG").status_code == 404
    page = client_a.get(f"/orders/checkout/{hidden.pk}/?code=crew")
    assert page.status_code == 200 and 'value="crew"' in page.content.decode()
    bought = client_a.post(
        f"/orders/checkout/{hidden.pk}/",
        {"name": "Cleo", "email": "cleo@example.org", "provider": "manual", "promo_code": "CREW"},
    )
    assert bought.status_code == 302, bought.content.decode()[-2000:]
    order = Order.objects.get(email="cleo@example.org")
    assert (order.total_minor, order.discount_minor, order.promo_code) == (4000, 1000, promo)
    promo.refresh_from_db()
    assert promo.used == 1


def test_a_hidden_product_opens_with_its_own_unlock_code_too(in_a, client_a):
    hidden = ProductFactory(
        event=EventFactory(), is_hidden=True, unlock_code="SECRET", quotas=[QuotaFactory()]
    )
    assert client_a.get(f"/orders/checkout/{hidden.pk}/?code=secret").status_code == 200
    bought = client_a.post(
        f"/orders/checkout/{hidden.pk}/",
        {"name": "Dan", "email": "dan@example.org", "provider": "manual", "promo_code": "SECRET"},
    )
    assert bought.status_code == 302
    assert Order.objects.get(email="dan@example.org").promo_code is None


def test_another_communitys_promo_codes_are_invisible_and_unwritable(staff, client_b, community_b):
    promo = promo_code_create(
        actor=staff, data=PromoCodeIn(code="ALPHAONLY", kind="percent", value=10)
    )
    with schema_context(community_b.schema_name):
        staff_b = organizer_create()
    login(client_b, community_b, staff_b)
    assert "ALPHAONLY" not in client_b.get("/manage/promo-codes/").content.decode()
    assert client_b.get(f"/manage/promo-codes/{promo.pk}/").status_code == 404
    assert (
        client_b.post(f"/manage/promo-codes/{promo.pk}/active/", {"active": "0"}).status_code == 404
    )
    with schema_context("alpha"):
        promo.refresh_from_db()
        assert promo.is_active
