"""The catalogue back office: every bad input is a message next to its field."""

from __future__ import annotations

import pytest

from core_apps.ticketing.models import Product, Quota
from core_apps.ticketing.services import product_create, quota_create
from tests.core_apps.events.factories import organizer_create

pytestmark = pytest.mark.django_db

PRODUCT = {
    "name": "Party pass",
    "kind": "pass",
    "status": "draft",
    "price_minor": "60.00",
    "currency": "EUR",
    "tax_rate": "7",
    "min_per_order": "1",
    "max_per_order": "4",
}
QUOTA = {
    "name": "Hall",
    "size": "300",
    "role_mode": "lead_follow",
    "balance_policy": "ratio",
    "max_difference": "2",
    "max_ratio": "1.2",
    "grace": "10",
    "couples_together": "on",
}


@pytest.fixture
def organizer_client(in_a, client_a):
    client_a.force_login(organizer_create())
    return client_a


def test_an_organizer_creates_a_quota_and_a_product_drawing_on_it(organizer_client):
    assert organizer_client.post("/manage/catalogue/quotas/new/", QUOTA).status_code == 302
    hall = Quota.objects.get(name="Hall")
    response = organizer_client.post(
        "/manage/catalogue/products/new/", {**PRODUCT, "quotas": [hall.pk], "status": "published"}
    )
    assert response.status_code == 302
    product = Product.objects.get(name="Party pass")
    assert list(product.quotas.all()) == [hall]
    assert product.price_minor == 6000  # typed as 60.00, stored in cents
    page = organizer_client.get("/manage/catalogue/").content.decode()
    assert "Party pass" in page and "0 / 300" in page and "€60.00" in page
    edit = organizer_client.get(f"/manage/catalogue/products/{product.pk}/").content.decode()
    assert 'value="60.00"' in edit


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price_minor": "-100"}, "price_minor"),
        ({"currency": "USD"}, "currency"),
        ({"min_per_order": "5", "max_per_order": "2"}, "max_per_order"),
        ({"status": "published"}, "quotas"),
    ],
)
def test_bad_product_input_shows_a_message_next_to_the_field(organizer_client, changes, field):
    response = organizer_client.post("/manage/catalogue/products/new/", {**PRODUCT, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert field in response.content.decode()
    assert not Product.objects.exists()


def test_publishing_on_a_quota_of_zero_shows_a_message_on_quotas(organizer_client):
    empty = quota_create(actor=None, name="Nothing", size=0)
    response = organizer_client.post(
        "/manage/catalogue/products/new/", {**PRODUCT, "quotas": [empty.pk], "status": "published"}
    )
    assert "quota of zero" in " ".join(response.context["form"].errors["quotas"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"max_ratio": "0.9"}, "max_ratio"), ({"max_difference": "0"}, "max_difference")],
)
def test_bad_quota_input_shows_a_message_next_to_the_field(organizer_client, changes, field):
    response = organizer_client.post("/manage/catalogue/quotas/new/", {**QUOTA, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Quota.objects.exists()


def test_duplicating_a_product_gives_a_draft_with_the_same_quotas(organizer_client):
    hall = quota_create(actor=None, name="Hall", size=10)
    product = product_create(
        actor=None, name="Full pass", price_minor=100, quotas=[hall], status="published"
    )
    organizer_client.post(f"/manage/catalogue/products/{product.pk}/duplicate/")
    copy = Product.objects.get(name="Full pass (copy)")
    assert copy.status == Product.Status.DRAFT
    assert list(copy.quotas.all()) == [hall]


def test_an_organizer_publishes_and_takes_a_product_off_sale(organizer_client):
    hall = quota_create(actor=None, name="Hall", size=10)
    product = product_create(actor=None, name="Party pass", price_minor=100, quotas=[hall])
    organizer_client.post(f"/manage/catalogue/products/{product.pk}/publish/")
    assert Product.objects.get(pk=product.pk).status == Product.Status.PUBLISHED
    organizer_client.post(f"/manage/catalogue/products/{product.pk}/archive/")
    assert Product.objects.get(pk=product.pk).status == Product.Status.ARCHIVED


def test_publishing_without_room_shows_the_reason(organizer_client):
    product = product_create(actor=None, name="Nowhere", price_minor=100)
    response = organizer_client.post(
        f"/manage/catalogue/products/{product.pk}/publish/", follow=True
    )
    assert "at least one quota" in response.content.decode()
    assert Product.objects.get(pk=product.pk).status == Product.Status.DRAFT


def test_members_cannot_open_the_catalogue_back_office(in_a, client_a):
    from tests.factories import UserFactory

    client_a.force_login(UserFactory())
    assert client_a.get("/manage/catalogue/").status_code == 403
    assert client_a.post("/manage/catalogue/quotas/new/", QUOTA).status_code == 403
