"""The OpenAPI document partners build from: every operation has a summary,
its 4xx answers documented with the one error schema, and lists their
filters, ordering and bounded page size."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(client_a) -> dict:
    response = client_a.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_every_operation_has_a_summary_and_documented_4xx(document):
    missing = []
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        expected = {"400", "401", "403", "429"} | (set() if method == "get" else {"404", "409"})
        if "{" in path:
            expected.add("404")
        if not operation.get("summary"):
            missing.append(f"{method.upper()} {path}: no summary")
        for status in sorted(expected - set(responses)):
            missing.append(f"{method.upper()} {path}: {status} undocumented")
        for status, response in responses.items():
            if status.startswith("4"):
                ref = response["content"]["application/json"]["schema"]
                if ref != {"$ref": "#/components/schemas/Error"}:
                    missing.append(f"{method.upper()} {path}: {status} not the Error schema")
    assert missing == []
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "detail"]


def test_reads_document_etag_and_304(document):
    operation = document["paths"]["/api/v1/orders/"]["get"]
    assert "304" in operation["responses"]
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "If-None-Match" in {p["name"] for p in operation["parameters"]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/products/",
        "/api/v1/quotas/",
        "/api/v1/orders/",
        "/api/v1/positions/",
        "/api/v1/invoices/",
        "/api/v1/waitlist-entries/",
        "/api/v1/promo-codes/",
    ],
)
def test_lists_document_filters_ordering_and_bounded_pages(document, path):
    operation = document["paths"][path]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["page_size"]["maximum"] == 200
    assert parameters["ordering"]["enum"]
    assert len(parameters) > 3  # at least one filter besides page, page_size, ordering
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].startswith("#/components/schemas/Paginated")
