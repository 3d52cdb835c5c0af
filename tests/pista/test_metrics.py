"""/metrics: token-protected; after a short scripted load it exposes request
series by route name (never the raw path), Celery task counts, queue lengths,
checkout outcomes and webhook lag. The alert rules file parses."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.urls import resolve

from pista import metrics
from pista.metrics import communities_last_seen, community_request_health

TOKEN = "s3cret-metrics-token"
ROOT = Path(django_settings.BASE_DIR)


def _scrape(platform_client) -> str:
    response = platform_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def _value(body: str, name: str, **labels: str) -> float:
    """The value of the series ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in body.splitlines():
        if not line.startswith((name + "{", name + " ")):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_are_hidden_without_a_configured_token(platform_client, settings):
    settings.METRICS_TOKEN = ""
    assert platform_client.get("/metrics").status_code == 404


def test_metrics_refuse_without_the_bearer_token(platform_client, client_a, settings):
    settings.METRICS_TOKEN = TOKEN
    assert platform_client.get("/metrics").status_code == 401
    assert platform_client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert client_a.get("/metrics").status_code == 401
    # The page never leaks per-community series.
    client_a.get("/")
    body = _scrape(platform_client)
    assert 'pista_communities{status="active"} 2.0' in body
    assert "alpha" not in body


def _signed(payload: bytes, secret: str) -> str:
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


@pytest.mark.django_db
def test_a_short_scripted_load_shows_up_in_the_named_series(
    platform_client, client_a, in_a, settings, django_capture_on_commit_callbacks
):
    from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory

    settings.METRICS_TOKEN = TOKEN
    settings.STRIPE_WEBHOOK_SECRET = "whsec_metrics_test"
    # Last activity is written at most once a minute per process; the cache
    # was emptied since earlier tests wrote it.
    metrics._last_seen_written.clear()
    before = _scrape(platform_client)
    checkout_route = resolve("/api/v1/checkout/", urlconf="pista.urls_tenant").view_name
    counted = {
        "route": checkout_route,
        "host_kind": "community",
        "status": "2xx",
        "plan": "none",  # alpha has no plan in tests (billing names the tier)
    }
    requests_before = _value(before, "pista_http_requests_total", **counted)
    sold_before = _value(before, "pista_checkout_outcomes_total", outcome="sold")
    waitlisted_before = _value(before, "pista_checkout_outcomes_total", outcome="waitlisted")
    refused_before = _value(before, "pista_checkout_outcomes_total", outcome="refused")
    tasks_before = _value(before, "pista_celery_tasks_total")
    lag_before = _value(before, "pista_webhook_lag_seconds_count", source="stripe")

    # The load: pages, a 404, checkouts (sold, refused, waitlisted), a webhook.
    product = ProductFactory(event=EventFactory(), price_minor=1500, quotas=[QuotaFactory(size=2)])
    for _ in range(3):
        assert client_a.get("/").status_code == 200
    assert client_a.get("/no-such-page-xyz/").status_code == 404
    assert platform_client.get("/").status_code == 200

    def checkout(**extra):
        body = {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": product.pk, "quantity": 2}],
            **extra,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client_a.post("/api/v1/checkout/", body, content_type="application/json")

    assert checkout().status_code == 201
    assert checkout().status_code == 409  # sold out: refused
    assert checkout(join_waitlist=True).status_code == 202  # waitlisted

    payload = json.dumps(
        {
            "id": "evt_metrics_1",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()) - 30,
            "data": {"object": {"id": "pi_unknown", "object": "payment_intent"}},
        }
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            "/api/v1/payments/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signed(payload, "whsec_metrics_test"),
        )

    body = _scrape(platform_client)
    # Requests by route name and status, never by raw path.
    assert _value(body, "pista_http_requests_total", **counted) >= requests_before + 1
    assert "/no-such-page-xyz/" not in body
    assert "/api/v1/checkout/" not in body
    assert _value(body, "pista_http_request_duration_seconds_count", route=checkout_route) >= 1
    assert _value(body, "pista_http_requests_total", host_kind="platform") >= 1
    # Checkout outcomes.
    assert _value(body, "pista_checkout_outcomes_total", outcome="sold") == sold_before + 2
    assert _value(body, "pista_checkout_outcomes_total", outcome="refused") == refused_before + 1
    assert (
        _value(body, "pista_checkout_outcomes_total", outcome="waitlisted") == waitlisted_before + 2
    )
    # Celery tasks (eager here) are counted; queue lengths are read at scrape.
    assert _value(body, "pista_celery_tasks_total") > tasks_before
    assert "pista_celery_task_failures_total" in body
    assert 'pista_celery_queue_length{queue="default"}' in body
    # The webhook's lag, from the event's creation time.
    assert _value(body, "pista_webhook_lag_seconds_count", source="stripe") == lag_before + 1
    # The console's per-community request health and last activity.
    health = community_request_health("alpha")
    assert health.by_class["2xx"] >= 3 and health.by_class["4xx"] >= 1
    assert sum(health.by_bucket.values()) == health.total
    assert "alpha" in communities_last_seen(["alpha", "beta"])


def test_a_broker_that_is_down_does_not_break_the_page(platform_client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = _scrape(platform_client)
    assert _value(body, "pista_celery_queue_scrape_errors_total") >= 1


def test_the_alert_rules_file_parses_and_names_known_series():
    rules = yaml.safe_load((ROOT / "infra" / "prometheus" / "alerts.yml").read_text())
    groups = rules["groups"]
    assert groups and all(group["rules"] for group in groups)
    docs = (ROOT / "docs" / "operations" / "metrics.md").read_text()
    for group in groups:
        for rule in group["rules"]:
            assert rule["alert"] and rule["expr"] and rule["labels"]["severity"]
            assert rule["alert"] in docs, rule["alert"]
            for series in re.findall(r"pista_[a-z_]+", rule["expr"]):
                base = re.sub(r"_(bucket|count|sum)$", "", series)
                assert base in docs, series
