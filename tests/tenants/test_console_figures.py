"""The operator console's figures, checked against sums worked out by hand:
the platform overview (GMV, tickets, the platform's revenue from subscriptions
and ticket fees, with sparklines), each community's request health (error
rate, 95th percentile) and the weekly report (uptime from the minute probes,
response time, error rate, infrastructure cost), in the console and from
``manage.py platform_weekly_report``."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Plan, PlatformInvoice
from billing.services.plans import plan_assign
from core_apps.accounts.models import User
from pista import metrics
from pista.metrics import RequestHealth, uptime_between, uptime_probe_record
from tenants.console.selectors import platform_overview, platform_week_report
from tenants.console.tasks import uptime_probe_task
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
_serial = count(1)


@pytest.fixture
def console(platform_client) -> Client:
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    return platform_client


def _order(
    product, *, status, provider, total, paid_days_ago, refunded=0, currency="EUR", tickets=0
):
    from core_apps.orders.models import Order, Position

    n = next(_serial)
    order = Order.objects.create(
        code=f"FIG{n:05d}",
        secret=f"secret-{n}",
        email="buyer@example.org",
        name="Buyer",
        status=status,
        provider=provider,
        currency=currency,
        subtotal_minor=total,
        total_minor=total,
        refunded_minor=refunded,
        paid_at=None if paid_days_ago is None else timezone.now() - timedelta(days=paid_days_ago),
    )
    for t in range(tickets):
        Position.objects.create(
            order=order,
            product=product,
            attendee_name="Buyer",
            attendee_email="buyer@example.org",
            price_minor=total // tickets,
            secret=f"pos-{n}-{t}",
        )
    return order


@pytest.fixture
def sales(community_a, community_b, settings):
    """Alpha on a plan with a 2.5 % fee, beta on none (the 3 % default)."""
    from tests.core_apps.events.factories import ProductFactory

    settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE = 30
    # Its own slug: seed_demo's plans may be in the database already.
    plan = Plan.objects.create(
        slug="figures-pro", name="Pro", price_minor=2900, application_fee_permille=25
    )
    subscription = plan_assign(community=community_a, plan=plan, check_fit=False)
    with schema_context(community_a.schema_name):
        product = ProductFactory()
        _order(product, status="paid", provider="stripe", total=10000, paid_days_ago=2, tickets=2)
        _order(
            product,
            status="partially_refunded",
            provider="manual",
            total=5000,
            refunded=1000,
            paid_days_ago=10,
            tickets=1,
        )
        # Refunded: no GMV, but the platform kept its fee (docs/payments.md).
        _order(
            product,
            status="refunded",
            provider="stripe",
            total=3001,
            refunded=3001,
            paid_days_ago=0,
        )
        _order(product, status="pending", provider="stripe", total=9999, paid_days_ago=None)
        _order(product, status="paid", provider="stripe", total=7000, paid_days_ago=40, tickets=1)
    with schema_context(community_b.schema_name):
        product = ProductFactory()
        _order(product, status="paid", provider="stripe", total=2001, paid_days_ago=1, tickets=1)
        _order(
            product, status="paid", provider="stripe", total=1500, paid_days_ago=0, currency="GBP"
        )
    now = timezone.now()
    PlatformInvoice.objects.create(
        subscription=subscription,
        stripe_invoice_id="in_paid",
        status="paid",
        amount_due_minor=2900,
        amount_paid_minor=2900,
        currency="EUR",
        created=now - timedelta(days=3),
    )
    PlatformInvoice.objects.create(
        subscription=subscription,
        stripe_invoice_id="in_open",
        status="open",
        amount_due_minor=2900,
        currency="EUR",
        created=now,
    )


def test_the_overview_adds_up_gmv_tickets_and_platform_revenue_as_worked_out_by_hand(
    sales, console
):
    data = platform_overview(fresh=True)
    # GMV, net of refunds: 10000 (2 days ago) + 2001 (yesterday) this week;
    # + 4000 (5000 less 1000 refunded, 10 days ago) over 30 days; 40 days ago is out.
    assert data.gmv_week == {"EUR": 12001, "GBP": 1500}
    assert data.gmv_month == {"EUR": 16001, "GBP": 1500}
    assert (data.tickets_week, data.tickets_month) == (3, 4)
    # Fees on card orders, rounded half up per order: alpha 2.5 % of 10000 = 250
    # and of 3001 = 75.025 → 75; beta 3 % of 2001 = 60.03 → 60 and of GBP 1500 = 45.
    assert {c: sum(v) for c, v in data.fees_by_day.items()} == {"EUR": 385, "GBP": 45}
    assert {c: sum(v) for c, v in data.subscriptions_by_day.items()} == {"EUR": 2900}
    revenue = data.revenue_by_day
    assert {c: sum(v) for c, v in revenue.items()} == {"EUR": 3285, "GBP": 45}
    assert revenue["EUR"][-4] == 2900 and revenue["EUR"][-3] == 250 and revenue["EUR"][-1] == 75

    body = console.get("/console/?refresh=1").content.decode()
    assert "console-placeholder" not in body
    row = body.split('<tr data-currency="EUR">')[1].split("</tr>")[0]
    for figure in ("€29.00", "€3.85", "€32.85", "<polyline"):
        assert figure in row, figure
    assert "€160.01" in body and "£15.00" in body  # GMV over 30 days


def test_a_communitys_page_shows_the_error_rate_and_p95_of_its_own_requests(
    console, client_a, community_a, community_b
):
    for _ in range(3):
        assert client_a.get("/").status_code == 200
    assert client_a.get("/no-such-page-xyz/").status_code == 404
    # A server error and a slow answer, as the middleware notes them.
    metrics._request_note(community_a.schema_name, 500, 3.0)
    health = metrics.community_request_health(community_a.schema_name)
    assert health.by_class["2xx"] >= 3 and health.by_class["4xx"] >= 1 and health.errors == 1
    assert health.error_rate == pytest.approx(1 / health.total)
    alpha = console.get("/console/communities/alpha/").content.decode()
    assert "Error rate (5xx)" in alpha and "95th percentile" in alpha
    assert f"{100 / health.total:.2f}%" in alpha
    beta = console.get("/console/communities/beta/").content.decode()
    assert "No requests recorded." in beta


def test_the_95th_percentile_is_the_bucket_it_falls_in():
    def health(**buckets: int) -> RequestHealth:
        return RequestHealth(by_class={"2xx": sum(buckets.values())}, by_bucket=buckets)

    assert health(le100=95, le250=5).p95_ms == 100
    assert health(le100=94, le250=6).p95_ms == 250
    assert health(le100=90, le1000=5, inf=5).p95_ms == 1000
    beyond = health(le100=90, inf=10)
    assert beyond.p95_ms is None and beyond.p95_beyond_bounds and beyond.slow == 10
    assert health().p95_ms is None and not health().p95_beyond_bounds
    assert health().error_rate is None


def test_uptime_counts_the_minutes_with_a_passing_probe_and_missing_ones_as_down():
    start = datetime(2030, 1, 7, tzinfo=UTC).timestamp()
    for minute in range(10):
        if minute in (3, 4):
            continue  # nothing recorded: the beat or the broker was down
        uptime_probe_record(ok=minute != 7, now=start + 60 * minute + 5)
    uptime_probe_record(ok=True, now=start + 60 * 7 + 30)  # the minute's first result stays
    uptime = uptime_between(start=start, end=start + 600)
    assert (uptime.expected, uptime.ok, uptime.failed, uptime.missing) == (10, 7, 1, 2)
    assert uptime.ratio == pytest.approx(0.7)
    # Before the first probe ever recorded nothing is expected.
    earlier = uptime_between(start=start - 3600, end=start + 600)
    assert earlier.expected == 10


def test_the_probe_task_runs_the_readiness_checks_and_records_the_minute():
    assert uptime_probe_task.apply().get() is True
    now = time.time()
    uptime = uptime_between(start=now - 120, end=now + 60)
    assert uptime.ok == 1 and uptime.failed == 0


def test_the_weekly_report_gives_uptime_p95_error_rate_and_infrastructure_cost(
    sales, console, settings
):
    settings.PISTA_INFRA_COST_MONTHLY_MINOR = 42000  # €420.00 a month
    settings.PISTA_INFRA_COST_CURRENCY = "EUR"
    now = timezone.now()
    for minute in range(1, 5):
        uptime_probe_record(ok=minute != 2, now=(now - timedelta(minutes=minute)).timestamp())
    # The counters are the platform's: a request still being answered by another
    # test's live server may land in them too, so the test counts what it adds.
    before = platform_week_report(now=now, fresh=True).requests
    for _ in range(19):
        metrics._request_note(None, 200, 0.05)
    metrics._request_note(None, 500, 0.3)

    report = platform_week_report(now=now, fresh=True)
    assert (report.uptime.ok, report.uptime.failed) == (3, 1)
    added = report.requests.total - before.total
    assert added == 20 and report.requests.errors - before.errors == 1
    assert report.requests.error_rate == pytest.approx(
        report.requests.errors / report.requests.total
    )
    assert report.requests.p95_ms == 100  # the 19th of 20 answered within 100 ms
    assert report.infra_cost_minor == 9692  # 420.00 * 12 / 52 = 96.923…
    assert report.revenue == {"EUR": 3285, "GBP": 45}
    assert report.gmv == {"EUR": 12001, "GBP": 1500}

    out = io.StringIO()
    call_command("platform_weekly_report", stdout=out)
    lines = out.getvalue().strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["errors_5xx"] == 1 and figures["requests"] >= 20
    assert figures["infra_cost_minor"] == 9692 and figures["infra_currency"] == "EUR"
    assert figures["probe_minutes_ok"] == 3 and figures["probe_minutes_failed"] == 1
    assert figures["platform_revenue_minor"] == {"EUR": 3285, "GBP": 45}
    assert any(line.startswith("Infrastructure cost: €96.92") for line in lines)

    body = console.get("/console/").content.decode()
    week = body.split('class="console-week"')[1].split("</section>")[0]
    assert "€96.92" in week and "3 of " in week and "probed ready" in week
    assert "at most" in week and "ms" in week


def test_the_weekly_figures_say_when_nothing_is_set_up_yet(console, settings):
    settings.PISTA_INFRA_COST_MONTHLY_MINOR = 0
    body = console.get("/console/?refresh=1").content.decode()
    week = body.split('class="console-week"')[1].split("</section>")[0]
    assert "no probe recorded yet" in week and "not set" in week
    assert "No platform revenue in the last 30 days." in body
