"""Dashboard benchmark: the sales dashboard of a community with many orders.

Run from the repository root: ``.venv/bin/python bench/dashboard.py [--orders 100000]``.
It provisions a temporary community, renders its dashboard once empty (the
baseline, same process), bulk-inserts ``--orders`` paid orders with one ticket
each (two products of a role-balanced class, some promo codes, check-ins,
spread over 90 days), then renders the dashboard again. Each render calls the
view with a staff user (server time: view and template, no network) and counts
its queries; the figures are the median of ``--repeat`` renders after a
warm-up. The community is dropped at the end. Last line: one JSON object with
``orders``, ``render_ms``, ``queries``, ``baseline_render_ms``,
``baseline_queries`` and ``ratio`` (render_ms / baseline_render_ms).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pista.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.files.storage import storages  # noqa: E402
from django.utils.functional import empty  # noqa: E402

# Static URLs without collectstatic's manifest (the bench renders templates only).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
storages._storages = {}
storages._backends = None
storages.__dict__.pop("backends", None)
staticfiles_storage._wrapped = empty

from django.contrib.sessions.backends.signed_cookies import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from core_apps.accounts.models import User  # noqa: E402
from core_apps.accounts.roles import Role  # noqa: E402
from core_apps.accounts.services import user_role_grant  # noqa: E402
from core_apps.backoffice.views.dashboard import dashboard  # noqa: E402
from core_apps.events.models import Event, EventDate  # noqa: E402
from core_apps.orders.models import Order, Position, PromoCode  # noqa: E402
from core_apps.ticketing.models import Product, Quota  # noqa: E402
from tenants.current import request_community_set  # noqa: E402
from tenants.models import Community  # noqa: E402
from tenants.provisioning.services import community_create  # noqa: E402

BATCH = 5000


def render(community: Community, host: str, user: User, repeat: int) -> tuple[float, int]:
    """Median server time (ms) of the dashboard view, and its query count."""
    factory = RequestFactory(HTTP_HOST=host)

    def once() -> tuple[float, int]:
        request = factory.get("/manage/dashboard/")
        request.user = user
        request_community_set(request, community)
        request.session = SessionStore()  # in memory: the bench saves no session
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = dashboard(request)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, len(queries)

    once()  # warm-up: templates, permissions
    runs = [once() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def seed(count: int) -> None:
    """``count`` paid single-ticket orders over 90 days, in bulk."""
    now = timezone.now()
    start = now - timedelta(days=90)
    event = Event.objects.create(
        title="Bench course",
        slug=f"bench-course-{uuid.uuid4().hex[:6]}",
        kind="class",
        status="published",
        time_zone="Europe/Berlin",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
    )
    EventDate.objects.create(
        event=event,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        original_start=event.starts_at,
    )
    quota = Quota.objects.create(name="Bench", size=count * 2, role_mode="lead_follow")
    products = [
        Product.objects.create(
            name=name, event=event, price_minor=price, currency="EUR", status="published"
        )
        for name, price in [("Course", 9000), ("Drop-in", 1500)]
    ]
    for product in products:
        product.quotas.set([quota])
    promos = [
        PromoCode.objects.create(code=f"BENCH{i}", kind="percent", value=10) for i in range(3)
    ]
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        orders = []
        for i in range(done, done + size):
            product = products[i % 2]
            promo = promos[i % 3] if i % 10 == 0 else None
            discount = product.price_minor // 10 if promo else 0
            paid_at = start + timedelta(seconds=(90 * 86400) * i / count)
            orders.append(
                Order(
                    code=f"B{i:09d}",
                    secret=secrets.token_urlsafe(12),
                    event=event,
                    email=f"b{i}@bench.example",
                    name=f"Buyer {i}",
                    status=Order.Status.PAID,
                    provider=Order.Provider.MANUAL,
                    currency="EUR",
                    subtotal_minor=product.price_minor,
                    discount_minor=discount,
                    total_minor=product.price_minor - discount,
                    promo_code=promo,
                    paid_at=paid_at,
                )
            )
        Order.objects.bulk_create(orders, batch_size=BATCH)
        positions = [
            Position(
                order=order,
                product=products[(done + k) % 2],
                attendee_name=order.name,
                attendee_email=order.email,
                role="lead" if (done + k) % 3 else "follow",
                role_admitted="lead" if (done + k) % 3 else "follow",
                price_minor=order.total_minor,
                secret=f"bench-{done + k}-{secrets.token_urlsafe(8)}",
                checked_in_at=order.paid_at if (done + k) % 4 == 0 else None,
            )
            for k, order in enumerate(orders)
        ]
        Position.objects.bulk_create(positions, batch_size=BATCH)
        done += size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order; ANALYZE orders_position")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    slug = f"bench-dash-{uuid.uuid4().hex[:8]}"
    provisioned = community_create(
        slug=slug, name="Bench dashboard", owner_email=f"o@{slug}.example"
    )
    community = provisioned.community
    host = provisioned.domains[0]
    connection.set_schema_to_public()
    print(f"community {slug} on {host}")
    try:
        with schema_context(community.schema_name):
            user = User.objects.create_user(email=f"staff@{slug}.example", password=None)
            user_role_grant(user=user, role=Role.ORGANIZER)
            user = User.objects.get(pk=user.pk)
            baseline_ms, baseline_queries = render(community, host, user, args.repeat)
            print(f"empty community: {baseline_ms:.1f} ms, {baseline_queries} queries")
            started = time.perf_counter()
            seed(args.orders)
            print(f"inserted {args.orders} orders in {time.perf_counter() - started:.1f} s")
            render_ms, queries = render(community, host, user, args.repeat)
            print(f"{args.orders} orders: {render_ms:.1f} ms, {queries} queries")
    finally:
        connection.set_schema_to_public()
        Community.objects.get(pk=community.pk).delete(force_drop=True)
        print(f"dropped {slug}")
    print(
        json.dumps(
            {
                "orders": args.orders,
                "render_ms": round(render_ms, 1),
                "queries": queries,
                "baseline_render_ms": round(baseline_ms, 1),
                "baseline_queries": baseline_queries,
                "ratio": round(render_ms / baseline_ms, 2) if baseline_ms else None,
                "under_500_ms": render_ms < 500,
            }
        )
    )


if __name__ == "__main__":
    main()
