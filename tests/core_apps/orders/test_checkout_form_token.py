"""The HTML checkout form's one-time token: a double-clicked (or re-sent) form
places one order and leads every submission to it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from core_apps.integrations.models import IdempotencyRecord
from core_apps.orders.models import Order
from core_apps.ticketing.models import Product, Quota
from tests.conftest import community_host
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory

pytestmark = pytest.mark.django_db

DETAILS = {"name": "Fay", "email": "fay@example.org", "provider": "simulated"}


def _token(client: Client, product: Product) -> str:
    page = client.get(f"/orders/checkout/{product.pk}/")
    assert page.status_code == 200
    found = re.search(r'name="submission_token" value="([^"]+)"', page.content.decode())
    assert found, "the form carries no one-time token"
    return found.group(1)


@pytest.fixture
def party(in_a) -> Product:
    event = EventFactory()
    quota = QuotaFactory(name="Party", size=10, event=event)
    return ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])


def test_each_rendering_of_the_form_carries_its_own_token_and_is_not_cached(client_a, party):
    first, second = _token(client_a, party), _token(client_a, party)
    assert first != second
    page = client_a.get(f"/orders/checkout/{party.pk}/")
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_a_second_submission_with_the_same_token_leads_to_the_first_order(client_a, party):
    token = _token(client_a, party)
    url = f"/orders/checkout/{party.pk}/"
    first = client_a.post(url, {**DETAILS, "submission_token": token})
    second = client_a.post(url, {**DETAILS, "submission_token": token})

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    order = Order.objects.get()
    assert first["Location"] == f"/orders/{order.code}/{order.secret}/"
    assert Quota.objects.get(pk=party.quotas.get().pk).sold == 1


def test_a_new_rendering_of_the_form_places_a_new_order(client_a, party):
    url = f"/orders/checkout/{party.pk}/"
    for _ in range(2):
        sent = client_a.post(url, {**DETAILS, "submission_token": _token(client_a, party)})
        assert sent.status_code == 302
    assert Order.objects.count() == 2


def test_the_token_sent_back_with_other_details_places_nothing_and_says_so(client_a, party):
    token = _token(client_a, party)
    url = f"/orders/checkout/{party.pk}/"
    assert client_a.post(url, {**DETAILS, "submission_token": token}).status_code == 302
    other = client_a.post(url, {**DETAILS, "name": "Gil", "submission_token": token})
    assert other.status_code == 409
    assert "reload the page" in other.content.decode()
    assert Order.objects.count() == 1


def test_a_refused_submission_frees_its_token_for_the_corrected_one(client_a, party):
    token = _token(client_a, party)
    url = f"/orders/checkout/{party.pk}/"
    refused = client_a.post(url, {**DETAILS, "promo_code": "NOPE", "submission_token": token})
    assert refused.status_code == 400
    assert token in refused.content.decode()  # the re-rendered form keeps its token
    placed = client_a.post(url, {**DETAILS, "submission_token": token})
    assert placed.status_code == 302
    assert Order.objects.count() == 1


def test_a_malformed_token_is_a_form_error(client_a, party):
    sent = client_a.post(
        f"/orders/checkout/{party.pk}/", {**DETAILS, "submission_token": "<script>"}
    )
    assert sent.status_code == 400
    assert not Order.objects.exists() and not IdempotencyRecord.objects.exists()


@pytest.fixture
def committed_party(community_a) -> Iterator[tuple[str, Product, list[str]]]:
    """A product committed outside the test transaction, for real concurrent
    requests; removed afterwards with its orders and tokens."""
    schema = community_a.schema_name
    box: dict[str, object] = {}

    def own_connection(fn):  # type: ignore[no-untyped-def]
        def target() -> None:
            try:
                with schema_context(schema):
                    box["value"] = fn()
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        return box.pop("value", None)

    def create() -> Product:
        quota = Quota.objects.create(name="Hall", size=10)
        product = Product.objects.create(
            name="Pass", price_minor=1000, currency="EUR", status="published", max_per_order=4
        )
        product.quotas.set([quota])
        return product

    product = own_connection(create)
    tokens: list[str] = []
    yield schema, product, tokens

    def cleanup() -> None:
        IdempotencyRecord.objects.filter(key__in=[f"checkout-form:{t}" for t in tokens]).delete()
        Order.objects.filter(positions__product_id=product.pk).delete()
        quotas = list(product.quotas.values_list("pk", flat=True))
        Product.objects.filter(pk=product.pk).delete()
        Quota.objects.filter(pk__in=quotas).delete()

    own_connection(cleanup)


def test_a_double_click_sending_the_form_twice_at_once_places_one_order(
    committed_party, community_a
):
    schema, product, tokens = committed_party
    host = community_host(community_a)
    token = _token(Client(HTTP_HOST=host), product)
    tokens.append(token)
    connection.set_schema_to_public()
    barrier = threading.Barrier(2)
    locations: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            client = Client(HTTP_HOST=host)
            barrier.wait()
            sent = client.post(
                f"/orders/checkout/{product.pk}/", {**DETAILS, "submission_token": token}
            )
            assert sent.status_code == 302, sent.content.decode()[:500]
            locations.append(sent["Location"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert not errors, errors
    assert len(locations) == 2 and locations[0] == locations[1]

    counted: dict[str, int] = {}

    def count() -> None:
        try:
            with schema_context(schema):
                counted["orders"] = Order.objects.filter(positions__product_id=product.pk).count()
        finally:
            connection.close()

    reader = threading.Thread(target=count)
    reader.start()
    reader.join()
    assert counted == {"orders": 1}
