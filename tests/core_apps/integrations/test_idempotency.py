"""The ``Idempotency-Key`` header on checkout, pay, refund and booking requests:
replays get the first answer, a reused key with another request is refused,
keys are per community and expire, and ten concurrent identical checkouts
create one order."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.artists.models import ArtistBooking
from core_apps.integrations import services as idempotency
from core_apps.integrations.models import IdempotencyRecord
from core_apps.orders.models import Order, Refund
from core_apps.privacy.inventory import CATEGORIES
from core_apps.privacy.services.erasure import retention_enforce
from core_apps.ticketing.models import Product, Quota
from core_apps.venues.models import SpaceBooking
from tests.conftest import community_host, login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)
from tests.core_apps.venues.factories import (
    ArtistFactory,
    SpaceFactory,
    VenueFactory,
    berlin,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _checkout_body(product: Product, **overrides: Any) -> dict[str, Any]:
    return {
        "email": "ana@example.org",
        "name": "Ana",
        "provider": "simulated",
        "lines": [{"product": product.pk, "quantity": 1}],
        **overrides,
    }


@pytest.fixture
def party(in_a) -> Product:
    event = EventFactory()
    quota = QuotaFactory(name="Party", size=10, event=event)
    return ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])


def _orders_of(product: Product) -> int:
    return Order.objects.filter(positions__product=product).distinct().count()


# --- Checkout ---------------------------------------------------------------


def test_a_replayed_checkout_gets_the_first_answer_and_creates_no_second_order(client_a, party):
    key = str(uuid.uuid4())
    first = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key)
    again = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert _orders_of(party) == 1
    assert Quota.objects.get(pk=party.quotas.get().pk).sold == 1


def test_the_same_json_in_another_key_order_is_the_same_request(client_a, party):
    key = str(uuid.uuid4())
    body = _checkout_body(party)
    first = _post(client_a, "/api/v1/checkout/", body, key)
    reordered = dict(reversed(list(body.items())))
    again = _post(client_a, "/api/v1/checkout/", reordered, key)
    assert again.json() == first.json()
    assert _orders_of(party) == 1


def test_without_the_header_every_checkout_is_its_own(client_a, party):
    for _ in range(2):
        assert _post(client_a, "/api/v1/checkout/", _checkout_body(party)).status_code == 201
    assert _orders_of(party) == 2


def test_the_same_key_with_another_body_is_refused_with_409(client_a, party):
    key = str(uuid.uuid4())
    assert _post(client_a, "/api/v1/checkout/", _checkout_body(party), key).status_code == 201
    other = _post(client_a, "/api/v1/checkout/", _checkout_body(party, name="Bea"), key)

    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["detail"]
    assert _orders_of(party) == 1


def test_the_same_key_on_another_endpoint_or_by_another_caller_is_refused(
    client_a, community_a, party
):
    key = str(uuid.uuid4())
    order = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key).json()
    pay = _post(
        client_a,
        f"/api/v1/orders/{order['order']['code']}/pay/",
        {"secret": order["secret"], "card_number": "4242 4242 4242 4242"},
        key,
    )
    assert pay.status_code == 409
    assert pay.json()["code"] == "idempotency_key_reused"

    # Signed in, the same body is another caller's request: no replay of the
    # anonymous buyer's answer (with its magic-link secret).
    member = Client(HTTP_HOST=community_host(community_a))
    login(member, community_a, organizer_create())
    signed_in = _post(member, "/api/v1/checkout/", _checkout_body(party), key)
    assert signed_in.status_code == 409
    assert signed_in.json()["code"] == "idempotency_key_reused"
    assert _orders_of(party) == 1


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "caf\u00e9", "tab\there", "nul\x00"],
    ids=["empty", "too-long", "non-ascii", "control", "nul"],
)
def test_a_malformed_key_answers_400_and_does_nothing(client_a, party, key):
    response = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert _orders_of(party) == 0
    assert not IdempotencyRecord.objects.exists()


def test_a_key_of_255_printable_characters_is_accepted(client_a, party):
    key = "".join(chr(33 + i % 94) for i in range(255))
    assert _post(client_a, "/api/v1/checkout/", _checkout_body(party), key).status_code == 201
    assert IdempotencyRecord.objects.get().key == key


def test_a_rejected_body_keeps_nothing_so_the_corrected_request_may_reuse_the_key(client_a, party):
    key = str(uuid.uuid4())
    bad = _post(client_a, "/api/v1/checkout/", _checkout_body(party, email="not-an-email"), key)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    good = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key)
    assert good.status_code == 201
    assert _orders_of(party) == 1


def test_a_refusal_after_the_work_started_is_replayed_too(client_a, in_a):
    event = EventFactory()
    quota = QuotaFactory(name="Tiny", size=1, event=event)
    product = ProductFactory(name="Tiny", event=event, price_minor=1000, quotas=[quota])
    assert _post(client_a, "/api/v1/checkout/", _checkout_body(product)).status_code == 201

    key = str(uuid.uuid4())
    sold_out = _post(client_a, "/api/v1/checkout/", _checkout_body(product, name="Bea"), key)
    assert sold_out.status_code == 409
    Quota.objects.filter(pk=quota.pk).update(size=2)
    again = _post(client_a, "/api/v1/checkout/", _checkout_body(product, name="Bea"), key)
    assert (again.status_code, again.json()) == (409, sold_out.json())
    assert _orders_of(product) == 1


def test_a_request_still_in_progress_answers_409_in_progress(client_a, party, monkeypatch):
    monkeypatch.setattr(idempotency, "IDEMPOTENCY_WAIT_SECONDS", 0.2)
    key = str(uuid.uuid4())
    body = _checkout_body(party)
    fingerprint = idempotency.idempotency_fingerprint(
        endpoint="POST /api/v1/checkout/", actor="anonymous", body=body
    )
    claim = idempotency.idempotency_claim(key=key, fingerprint=fingerprint)
    assert claim.record is not None

    response = _post(client_a, "/api/v1/checkout/", body, key)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert _orders_of(party) == 0


def test_a_claim_abandoned_by_a_dead_process_is_taken_over(client_a, party):
    key = str(uuid.uuid4())
    long_ago = timezone.now() - timedelta(minutes=10)
    IdempotencyRecord.objects.create(
        key=key,
        fingerprint="0" * 64,
        created_at=long_ago,
        expires_at=long_ago + idempotency.IDEMPOTENCY_TTL,
    )
    response = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key)
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get(key=key).status == "done"


# --- Expiry -----------------------------------------------------------------


def test_a_key_is_forgotten_after_24_hours(client_a, party):
    key = str(uuid.uuid4())
    assert _post(client_a, "/api/v1/checkout/", _checkout_body(party), key).status_code == 201
    IdempotencyRecord.objects.filter(key=key).update(
        created_at=timezone.now() - timedelta(hours=25),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    # Expired: the key is free again, even for another request.
    later = _post(client_a, "/api/v1/checkout/", _checkout_body(party, name="Bea"), key)
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later
    assert _orders_of(party) == 2


def test_the_retention_job_deletes_records_older_than_a_day(client_a, party):
    old, recent = str(uuid.uuid4()), str(uuid.uuid4())
    for key in (old, recent):
        assert _post(client_a, "/api/v1/checkout/", _checkout_body(party), key).status_code == 201
    IdempotencyRecord.objects.filter(key=old).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    removed = retention_enforce()
    assert removed["integrations.IdempotencyRecord"] == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == [recent]
    assert CATEGORIES["idempotency"].retention == idempotency.IDEMPOTENCY_TTL


# --- Communities ------------------------------------------------------------


def test_the_same_key_in_another_community_creates_its_own_order(
    client_a, client_b, community_a, community_b, party
):
    with schema_context(community_b.schema_name):
        event = EventFactory()
        quota = QuotaFactory(name="Milonga", size=5, event=event)
        product_b = ProductFactory(name="Milonga", event=event, price_minor=900, quotas=[quota])
    key = str(uuid.uuid4())
    in_a = _post(client_a, "/api/v1/checkout/", _checkout_body(party), key)
    in_b = _post(client_b, "/api/v1/checkout/", _checkout_body(product_b), key)
    assert in_a.status_code == in_b.status_code == 201
    assert "Idempotent-Replayed" not in in_b
    assert in_a.json()["order"]["code"] != in_b.json()["order"]["code"]
    with schema_context(community_a.schema_name):
        assert Order.objects.filter(code=in_a.json()["order"]["code"]).exists()
        assert IdempotencyRecord.objects.filter(key=key).count() == 1
    with schema_context(community_b.schema_name):
        assert Order.objects.filter(code=in_b.json()["order"]["code"]).exists()
        assert IdempotencyRecord.objects.filter(key=key).count() == 1


# --- Pay and refund ---------------------------------------------------------


def test_a_replayed_payment_and_refund_answer_as_the_first_time(
    client_a, community_a, party, django_capture_on_commit_callbacks
):
    order = _post(client_a, "/api/v1/checkout/", _checkout_body(party)).json()
    code = order["order"]["code"]
    pay_body = {"secret": order["secret"], "card_number": "4242 4242 4242 4242"}
    pay_key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        paid = _post(client_a, f"/api/v1/orders/{code}/pay/", pay_body, pay_key)
    again = _post(client_a, f"/api/v1/orders/{code}/pay/", pay_body, pay_key)
    assert paid.status_code == again.status_code == 200
    assert again.json() == paid.json() and paid.json()["status"] == "paid"

    staff = Client(HTTP_HOST=community_host(community_a))
    login(staff, community_a, organizer_create())
    refund_key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        refunded = _post(staff, f"/api/v1/orders/{code}/refund/", {"amount_minor": 500}, refund_key)
        twice = _post(staff, f"/api/v1/orders/{code}/refund/", {"amount_minor": 500}, refund_key)
    assert refunded.status_code == twice.status_code == 200
    assert twice.json() == refunded.json()
    assert refunded.json()["status"] == "partially_refunded"
    assert list(Refund.objects.filter(order__code=code).values_list("amount_minor", flat=True)) == [
        500
    ]


# --- Bookings ---------------------------------------------------------------


def test_a_replayed_artist_booking_request_creates_one_booking(client_a, community_a, in_a):
    organizer = user_with_role(Role.ORGANIZER)
    artist = ArtistFactory(user=user_with_role(Role.TEACHER), name="Ana", slug="ana")
    login(client_a, community_a, organizer)
    body = {
        "artist": artist.pk,
        "title": "Spring festival",
        "starts_at": berlin(2031, 4, 11, 10).isoformat(),
        "ends_at": berlin(2031, 4, 13, 18).isoformat(),
        "fee_minor": 80000,
        "currency": "EUR",
    }
    key = str(uuid.uuid4())
    first = _post(client_a, "/api/v1/artist-bookings/", body, key)
    again = _post(client_a, "/api/v1/artist-bookings/", body, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert ArtistBooking.objects.filter(artist=artist).count() == 1
    other = _post(client_a, "/api/v1/artist-bookings/", {**body, "fee_minor": 1}, key)
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_a_replayed_space_booking_request_creates_one_booking(client_a, community_a, in_a):
    organizer = user_with_role(Role.ORGANIZER)
    venue = VenueFactory(managers=[user_with_role(Role.VENUE_MANAGER)])
    space = SpaceFactory(venue=venue, hourly_rate_minor=4000)
    login(client_a, community_a, organizer)
    body = {
        "space": space.pk,
        "title": "Bootcamp",
        "starts_at": berlin(2031, 6, 3, 18).isoformat(),
        "ends_at": berlin(2031, 6, 3, 20).isoformat(),
    }
    key = str(uuid.uuid4())
    first = _post(client_a, "/api/v1/space-bookings/", body, key)
    again = _post(client_a, "/api/v1/space-bookings/", body, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert SpaceBooking.objects.filter(space=space).count() == 1


# --- OpenAPI ----------------------------------------------------------------


def test_the_header_is_documented_on_each_idempotent_operation(client_a):
    schema = client_a.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    def headers(path: str) -> list[str]:
        parameters = schema["paths"][path]["post"].get("parameters", [])
        return [p["name"] for p in parameters if p["in"] == "header"]

    for path in (
        "/api/v1/checkout/",
        "/api/v1/orders/{code}/pay/",
        "/api/v1/orders/{code}/refund/",
        "/api/v1/artist-bookings/",
        "/api/v1/space-bookings/",
    ):
        assert headers(path).count("Idempotency-Key") == 1, path
    # Checkout also documents the on-sale queue's pass, and nothing else.
    assert sorted(headers("/api/v1/checkout/")) == ["Idempotency-Key", "X-Pista-Queue-Pass"]


# --- Ten at once ------------------------------------------------------------


@pytest.fixture
def committed_product(community_a) -> Iterator[tuple[str, Product, list[str]]]:
    """A product in A's schema committed outside the test transaction (the
    threads' connections must see it); removed afterwards with what was sold."""
    schema = community_a.schema_name
    made: dict[str, Any] = {}

    def own_connection(fn: Callable[[], Any]) -> Any:
        def target() -> None:
            try:
                with schema_context(schema):
                    made["value"] = fn()
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        return made.pop("value", None)

    def create() -> Product:
        quota = Quota.objects.create(name="Hall", size=50)
        product = Product.objects.create(
            name="Pass", price_minor=1000, currency="EUR", status="published", max_per_order=4
        )
        product.quotas.set([quota])
        return product

    product = own_connection(create)
    keys: list[str] = []
    yield schema, product, keys

    def cleanup() -> None:
        Order.objects.filter(positions__product_id=product.pk).delete()
        IdempotencyRecord.objects.filter(key__in=keys).delete()
        quotas = list(product.quotas.values_list("pk", flat=True))
        Product.objects.filter(pk=product.pk).delete()
        Quota.objects.filter(pk__in=quotas).delete()

    own_connection(cleanup)


@pytest.mark.parametrize("wait_seconds", [3.0, 0.0], ids=["twins-wait", "twins-refused"])
def test_ten_concurrent_identical_checkouts_with_one_key_create_one_order(
    committed_product, community_a, monkeypatch, wait_seconds
):
    # Waiting, the twins replay the winner's 201; not waiting, most get 409 in progress.
    monkeypatch.setattr(idempotency, "IDEMPOTENCY_WAIT_SECONDS", wait_seconds)
    schema, product, keys = committed_product
    key = str(uuid.uuid4())
    keys.append(key)
    body = _checkout_body(product)
    host = community_host(community_a)
    count = 10
    barrier = threading.Barrier(count)
    answers: list[tuple[int, dict[str, Any]] | None] = [None] * count
    errors: list[BaseException] = []

    def buy(index: int) -> None:
        try:
            client = Client(HTTP_HOST=host)
            barrier.wait()
            response = _post(client, "/api/v1/checkout/", body, key)
            answers[index] = (response.status_code, response.json())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert all(answers)

    created = [body for status, body in answers if status == 201]  # type: ignore[misc]
    in_progress = [body for status, body in answers if status == 409]  # type: ignore[misc]
    assert len(created) + len(in_progress) == count, answers
    assert created, answers
    assert all(answer == created[0] for answer in created)
    assert all(answer["code"] == "idempotency_in_progress" for answer in in_progress)

    def counts() -> tuple[int, int, str]:
        with schema_context(schema):
            orders = list(Order.objects.filter(positions__product_id=product.pk).distinct())
            return len(orders), product.quotas.get().sold, orders[0].code

    result: dict[str, Any] = {}

    def read() -> None:
        try:
            result["value"] = counts()
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    assert result["value"] == (1, 1, created[0]["order"]["code"])
