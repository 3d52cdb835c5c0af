"""The staff lists of the API (products, quotas, orders, tickets, invoices,
waitlist entries, promo codes): read with an API key's scopes, filtered,
ordered and paginated, refusing malformed input with a code, and showing
nothing of another community."""

from __future__ import annotations

import pytest

from tests.core_apps.integrations.conftest import key_header
from tests.core_apps.integrations.seed import seed_community

pytestmark = pytest.mark.django_db

READ = "events:read,orders:read"
# Each list, the scope it needs and a field of its rows naming the seeded data.
LISTS = [
    ("/api/v1/products/", "events:read", "name"),
    ("/api/v1/quotas/", "events:read", "name"),
    ("/api/v1/orders/", "orders:read", "name"),
    ("/api/v1/positions/", "orders:read", "product_name"),
    ("/api/v1/invoices/", "orders:read", "order"),
    ("/api/v1/waitlist-entries/", "orders:read", "name"),
    ("/api/v1/promo-codes/", "orders:read", "code"),
]


@pytest.fixture
def seeded(community_a, community_b):
    return seed_community(community_a, "Alphonse"), seed_community(community_b, "Zebulon")


@pytest.mark.parametrize(("url", "scope", "field"), LISTS)
def test_a_list_shows_this_communitys_rows_only(
    client_a, community_a, make_key, seeded, url, scope, field
):
    key = make_key(community_a, READ)
    response = client_a.get(url, **key_header(key))
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] >= 1
    assert "Zebulon".lower() not in response.content.decode().lower()
    a = seeded[0]
    expected = {
        "name": {a.product.name, a.quota.name, a.order.name, a.waitlist_entry.name},
        "product_name": {a.product.name},
        "order": {a.order.code},
        "code": {a.promo_code.code},
    }[field]
    assert expected & {row[field] for row in body["results"]}


@pytest.mark.parametrize(("url", "scope", "field"), LISTS)
def test_a_list_needs_its_scope(client_a, community_a, make_key, url, scope, field):
    other = "orders:read" if scope == "events:read" else "events:read"
    response = client_a.get(url, **key_header(make_key(community_a, other)))
    assert response.status_code == 403
    assert response.json()["code"] == "api_key_scope_missing"


@pytest.mark.parametrize(("url", "scope", "field"), LISTS)
def test_a_list_needs_staff(client_a, community_a, url, scope, field):
    assert client_a.get(url).status_code == 403


def test_filters_and_ordering_narrow_and_sort(client_a, community_a, make_key, seeded):
    a = seeded[0]
    headers = key_header(make_key(community_a, READ))
    by_event = client_a.get(f"/api/v1/products/?event={a.product.event_id}", **headers).json()
    assert [row["name"] for row in by_event["results"]] == [a.product.name]
    by_order = client_a.get(f"/api/v1/positions/?order={a.order.code}", **headers).json()
    assert by_order["count"] == 1
    assert client_a.get("/api/v1/orders/?status=cancelled", **headers).json()["count"] == 0
    paid = client_a.get(f"/api/v1/orders/?status=paid&email={a.order.email.upper()}", **headers)
    assert [row["code"] for row in paid.json()["results"]] == [a.order.code]
    assert client_a.get("/api/v1/promo-codes/?is_active=false", **headers).json()["count"] == 0
    names = [
        row["name"]
        for row in client_a.get("/api/v1/quotas/?ordering=-name", **headers).json()["results"]
    ]
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("page_size=100000", "invalid_page_size"),
        ("page_size=0", "invalid_page_size"),
        ("page_size=abc", "invalid_page_size"),
        ("page=-1", "invalid_page"),
        ("page=x", "invalid_page"),
        ("event=abc", "invalid_filter"),
        ("event=99999999999", "invalid_filter"),
        ("status=nonsense", "invalid_filter"),
        ("ordering=secret", "invalid_ordering"),
        ("ordering=name,-id", "invalid_ordering"),
        ("colour=red", "unknown_parameter"),
    ],
)
def test_malformed_list_parameters_answer_400_with_a_code(
    client_a, community_a, make_key, query, code
):
    response = client_a.get(f"/api/v1/products/?{query}", **key_header(make_key(community_a, READ)))
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == code and body["detail"]


def test_malformed_dates_and_booleans_are_refused(client_a, community_a, make_key):
    headers = key_header(make_key(community_a, READ))
    for url in (
        "/api/v1/orders/?created_after=yesterday",
        "/api/v1/orders/?created_after=0580-06-07T19:37:16-23:17",
        "/api/v1/invoices/?created_before=0001-01-01T00:00:00%2B05:00",
        "/api/v1/promo-codes/?is_active=maybe",
    ):
        response = client_a.get(url, **headers)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_filter"
        assert response.json()["extra"]["errors"]


def test_a_page_past_the_end_is_404(client_a, community_a, make_key):
    response = client_a.get("/api/v1/quotas/?page=999", **key_header(make_key(community_a, READ)))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_reads_carry_an_etag_and_answer_304_while_it_holds(client_a, community_a, make_key):
    headers = key_header(make_key(community_a, READ))
    first = client_a.get("/api/v1/quotas/", **headers)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    again = client_a.get("/api/v1/quotas/", HTTP_IF_NONE_MATCH=etag, **headers)
    assert again.status_code == 304 and again.content == b""
    seed_community(community_a, "Changed")
    changed = client_a.get("/api/v1/quotas/", HTTP_IF_NONE_MATCH=etag, **headers)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # Writes and errors carry none.
    assert not client_a.get("/api/v1/quotas/?page_size=0", **headers).has_header("ETag")
