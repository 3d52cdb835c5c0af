"""Reads for the operator console: communities, their usage, the platform's figures.

Usage is read from each community's schema with raw SQL on the domain apps'
tables, named through the app registry (the platform imports no domain app):
one ``UNION ALL`` query for a page of communities, never a query per community.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import PlatformInvoice, Subscription
from billing.selectors import subscriptions_by_community
from core_apps.privacy.models import AuditEntry
from pista.metrics import (
    RequestHealth,
    Uptime,
    communities_last_seen,
    community_request_health,
    platform_request_health,
    uptime_between,
)
from tenants.models import Community

OVERVIEW_CACHE_KEY = "console:overview"
OVERVIEW_CACHE_SECONDS = 300
SPARK_DAYS = 30
SOLD_STATUSES = ("paid", "partially_refunded")
# The platform keeps its application fee when an order is refunded
# (docs/payments.md): the fee counts on every card order that was paid.
FEE_STATUSES = (*SOLD_STATUSES, "refunded")


def _table(label: str) -> str:
    return connection.ops.quote_name(apps.get_model(label)._meta.db_table)


def _schema(name: str) -> str:
    return connection.ops.quote_name(name)


def _schemas_present(names: list[str]) -> list[str]:
    """Those of ``names`` that exist as schemas (a purge may be under way)."""
    if not names:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        found = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name in found]


@dataclass
class Usage:
    members: int = 0
    events: int = 0
    orders: int = 0
    last_login: datetime | None = None


def communities_usage(*, schemas: list[str]) -> dict[str, Usage]:
    """Members (active accounts), events and sold orders per schema, in one query."""
    present = _schemas_present(schemas)
    if not present:
        return {}
    users, events, orders = (
        _table("accounts.User"),
        _table("events.Event"),
        _table("orders.Order"),
    )
    # Identifiers are quoted schema and table names; values go as parameters.
    parts: list[str] = []
    params: list[Any] = []
    for name in present:
        s = _schema(name)
        parts.append(
            f"SELECT %s, (SELECT count(*) FROM {s}.{users} WHERE is_active),"  # noqa: S608
            f" (SELECT count(*) FROM {s}.{events}),"
            f" (SELECT count(*) FROM {s}.{orders} WHERE status = ANY(%s)),"
            f" (SELECT max(last_login) FROM {s}.{users})"
        )
        params += [name, list(SOLD_STATUSES)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    return {
        row[0]: Usage(members=row[1], events=row[2], orders=row[3], last_login=row[4])
        for row in rows
    }


ACTIVITY_CHOICES = ("7d", "30d", "idle30", "never")
CREATED_CHOICES = ("7d", "30d", "365d")


def communities_search(
    *, query: str = "", status: str = "", created: str = "", activity: str = "", plan: str = ""
) -> QuerySet[Community]:
    """Communities (not the platform itself) matching the console's filters
    (``plan``: a plan's slug)."""
    now = timezone.now()
    communities = Community.objects.exclude(schema_name=get_public_schema_name()).prefetch_related(
        "domains"
    )
    if query.strip():
        q = query.strip()
        communities = communities.filter(
            Q(name__icontains=q) | Q(slug__icontains=q) | Q(domains__domain__icontains=q)
        ).distinct()
    if status in Community.Status.values:
        communities = communities.filter(status=status)
    if plan:
        communities = communities.filter(subscription__plan__slug=plan)
    if created in CREATED_CHOICES:
        communities = communities.filter(created__gte=now - timedelta(days=int(created[:-1])))
    if activity in ACTIVITY_CHOICES:
        schemas = list(communities.values_list("schema_name", flat=True))
        seen = communities_last_seen(schemas)
        if activity == "never":
            keep = [s for s in schemas if s not in seen]
        elif activity == "idle30":
            keep = [s for s in schemas if s in seen and seen[s] < now - timedelta(days=30)]
        else:
            since = now - timedelta(days=int(activity[:-1]))
            keep = [s for s in schemas if s in seen and seen[s] >= since]
        communities = communities.filter(schema_name__in=keep)
    return communities.order_by("name")


@dataclass
class CommunityRow:
    community: Community
    usage: Usage
    last_seen: datetime | None
    subscription: Subscription | None = None


def community_rows(communities: list[Community]) -> list[CommunityRow]:
    schemas = [c.schema_name for c in communities]
    usage = communities_usage(schemas=schemas)
    seen = communities_last_seen(schemas)
    subscriptions = subscriptions_by_community(communities=communities)
    return [
        CommunityRow(
            community=c,
            usage=usage.get(c.schema_name, Usage()),
            last_seen=seen.get(c.schema_name),
            subscription=subscriptions.get(c.pk),
        )
        for c in communities
    ]


def community_audit_recent(*, community: Community, limit: int = 20) -> list[AuditEntry]:
    """The platform audit log's latest entries about ``community``."""
    with schema_context(get_public_schema_name()):
        return list(
            AuditEntry.objects.filter(
                target_type=Community._meta.label_lower, target_id=str(community.pk)
            ).order_by("-pk")[:limit]
        )


def community_health(*, community: Community) -> RequestHealth:
    """The community's requests of the last 24 hours: status classes, error
    rate, requests slower than a second and the 95th percentile's bucket."""
    return community_request_health(community.schema_name)


@dataclass
class Overview:
    communities: dict[str, int]
    members: int
    events: int
    days: list[date]
    tickets_by_day: list[int]
    orders_by_day: list[int]
    gmv_by_day: dict[str, list[int]]  # currency -> minor units per day
    # The platform's revenue: paid subscription invoices (by invoice date) and
    # application fees on card orders (each community's current plan's rate).
    subscriptions_by_day: dict[str, list[int]] = field(default_factory=dict)
    fees_by_day: dict[str, list[int]] = field(default_factory=dict)
    tickets_week: int = 0
    tickets_month: int = 0
    gmv_week: dict[str, int] = field(default_factory=dict)
    gmv_month: dict[str, int] = field(default_factory=dict)
    computed_at: datetime | None = None

    @property
    def revenue_by_day(self) -> dict[str, list[int]]:
        """Subscriptions and fees together, per currency and day."""
        total: dict[str, list[int]] = {}
        for series in (self.subscriptions_by_day, self.fees_by_day):
            for currency, values in series.items():
                days = total.setdefault(currency, [0] * len(self.days))
                for i, value in enumerate(values):
                    days[i] += value
        return total


def _fee_permille_by_schema(schemas: list[str]) -> dict[str, int]:
    """Each community's application fee (its current plan's, else the default)."""
    default = settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE
    rows = Subscription.objects.filter(community__schema_name__in=schemas).values_list(
        "community__schema_name", "plan__application_fee_permille"
    )
    return {**dict.fromkeys(schemas, default), **dict(rows)}


def _sales_by_day(
    schemas: list[str], since: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Per day and currency: sold orders, their GMV (net of refunds) and the
    platform's fees on card orders; and tickets sold per day."""
    if not schemas:
        return [], []
    permille = _fee_permille_by_schema(schemas)
    orders, positions = _table("orders.Order"), _table("orders.Position")
    # Identifiers are quoted schema and table names; values go as parameters.
    order_parts: list[str] = []
    ticket_parts: list[str] = []
    order_params: list[Any] = []
    ticket_params: list[Any] = []
    for name in schemas:
        s = _schema(name)
        # The fee per order, rounded half up as the checkout charged it.
        order_parts.append(
            f"SELECT (paid_at AT TIME ZONE 'UTC')::date AS day, currency,"  # noqa: S608
            f" count(*) FILTER (WHERE status = ANY(%s)) AS n,"
            f" coalesce(sum(total_minor - refunded_minor) FILTER (WHERE status = ANY(%s)), 0)"
            f" AS gmv,"
            f" coalesce(sum((total_minor * %s + 500) / 1000) FILTER (WHERE provider = 'stripe'),"
            f" 0) AS fee FROM {s}.{orders}"
            f" WHERE paid_at >= %s AND status = ANY(%s) GROUP BY 1, 2"
        )
        sold = list(SOLD_STATUSES)
        order_params += [sold, sold, permille[name], since, list(FEE_STATUSES)]
        ticket_parts.append(
            f"SELECT (o.paid_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n"  # noqa: S608
            f" FROM {s}.{positions} p JOIN {s}.{orders} o ON o.id = p.order_id"
            f" WHERE o.paid_at >= %s AND o.status = ANY(%s) AND p.status = 'valid' GROUP BY 1"
        )
        ticket_params += [since, list(SOLD_STATUSES)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT day, currency, sum(n), sum(gmv), sum(fee) FROM ("  # noqa: S608
            + " UNION ALL ".join(order_parts)
            + ") AS sales GROUP BY 1, 2",
            order_params,
        )
        order_rows = cursor.fetchall()
        cursor.execute(
            "SELECT day, sum(n) FROM ("  # noqa: S608
            + " UNION ALL ".join(ticket_parts)
            + ") AS t GROUP BY 1",
            ticket_params,
        )
        ticket_rows = cursor.fetchall()
    return order_rows, ticket_rows


def _subscriptions_by_day(since: datetime) -> list[tuple[date, str, int]]:
    """Paid subscription invoices per invoice day (UTC) and currency."""
    rows: dict[tuple[date, str], int] = {}
    invoices = PlatformInvoice.objects.filter(created__gte=since, amount_paid_minor__gt=0)
    for created, currency, paid in invoices.values_list("created", "currency", "amount_paid_minor"):
        key = (created.astimezone(UTC).date(), currency)
        rows[key] = rows.get(key, 0) + paid
    return [(day, currency, paid) for (day, currency), paid in rows.items()]


def platform_overview(*, fresh: bool = False) -> Overview:
    """The platform's figures: communities by status, members, events, and the
    last 30 days of tickets, orders, sales (GMV per currency) and the
    platform's revenue (subscriptions and ticket fees). Cached five minutes."""
    with schema_context(get_public_schema_name()):
        cached = None if fresh else cache.get(OVERVIEW_CACHE_KEY)
        if isinstance(cached, Overview):
            return cached
    now = timezone.now()
    today = now.date()  # UTC
    days = [today - timedelta(days=n) for n in range(SPARK_DAYS - 1, -1, -1)]
    communities = Community.objects.exclude(schema_name=get_public_schema_name())
    by_status = dict.fromkeys(Community.Status.values, 0)
    for status in communities.values_list("status", flat=True):
        by_status[status] += 1
    schemas = _schemas_present(list(communities.values_list("schema_name", flat=True)))
    usage = communities_usage(schemas=schemas)
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=now.tzinfo)
    order_rows, ticket_rows = _sales_by_day(schemas, since)
    index = {day: i for i, day in enumerate(days)}
    orders_by_day = [0] * len(days)
    tickets_by_day = [0] * len(days)
    gmv_by_day: dict[str, list[int]] = {}
    fees_by_day: dict[str, list[int]] = {}
    subscriptions_by_day: dict[str, list[int]] = {}
    for day, currency, n, gmv, fee in order_rows:
        if day in index:
            orders_by_day[index[day]] += int(n)
            if n:
                gmv_by_day.setdefault(currency, [0] * len(days))[index[day]] += int(gmv or 0)
            if fee:
                fees_by_day.setdefault(currency, [0] * len(days))[index[day]] += int(fee)
    for day, currency, paid in _subscriptions_by_day(since):
        if day in index:
            subscriptions_by_day.setdefault(currency, [0] * len(days))[index[day]] += paid
    for day, n in ticket_rows:
        if day in index:
            tickets_by_day[index[day]] += int(n)
    overview = Overview(
        communities=by_status,
        members=sum(u.members for u in usage.values()),
        events=sum(u.events for u in usage.values()),
        days=days,
        tickets_by_day=tickets_by_day,
        orders_by_day=orders_by_day,
        gmv_by_day=gmv_by_day,
        subscriptions_by_day=subscriptions_by_day,
        fees_by_day=fees_by_day,
        tickets_week=sum(tickets_by_day[-7:]),
        tickets_month=sum(tickets_by_day),
        gmv_week={c: sum(v[-7:]) for c, v in gmv_by_day.items()},
        gmv_month={c: sum(v) for c, v in gmv_by_day.items()},
        computed_at=now,
    )
    with schema_context(get_public_schema_name()):
        cache.set(OVERVIEW_CACHE_KEY, overview, OVERVIEW_CACHE_SECONDS)
    return overview


@dataclass
class WeekReport:
    """The seed's weekly figures: uptime, response times, error rate and
    infrastructure cost, with the week's sales and revenue beside them."""

    start: datetime
    end: datetime
    uptime: Uptime
    requests: RequestHealth
    infra_cost_minor: int
    infra_currency: str
    gmv: dict[str, int]
    revenue: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values (the command's JSON)."""
        return {
            "week_start": self.start.isoformat(),
            "week_end": self.end.isoformat(),
            "uptime_ratio": self.uptime.ratio,
            "probe_minutes_expected": self.uptime.expected,
            "probe_minutes_ok": self.uptime.ok,
            "probe_minutes_failed": self.uptime.failed,
            "probe_minutes_missing": self.uptime.missing,
            "requests": self.requests.total,
            "errors_5xx": self.requests.errors,
            "error_rate": self.requests.error_rate,
            "p95_ms": self.requests.p95_ms,
            "p95_beyond_bounds": self.requests.p95_beyond_bounds,
            "infra_cost_minor": self.infra_cost_minor,
            "infra_currency": self.infra_currency,
            "gmv_minor": self.gmv,
            "platform_revenue_minor": self.revenue,
        }


def infra_cost_week_minor() -> int:
    """The week's share of the operator-entered monthly hosting cost
    (a twelfth of a year's cost spread over 52 weeks), rounded half up."""
    return (settings.PISTA_INFRA_COST_MONTHLY_MINOR * 12 * 2 + 52) // (52 * 2)


def platform_week_report(*, now: datetime | None = None, fresh: bool = False) -> WeekReport:
    """The last seven days: uptime from the minute probes, requests, error
    rate and p95 from the platform-wide request counters, the hosting cost's
    weekly share, GMV and the platform's revenue (from the overview)."""
    now = now or timezone.now()
    start = now - timedelta(days=7)
    overview = platform_overview(fresh=fresh)
    return WeekReport(
        start=start,
        end=now,
        uptime=uptime_between(start=start.timestamp(), end=now.timestamp()),
        requests=platform_request_health(hours=168, now=now.timestamp()),
        infra_cost_minor=infra_cost_week_minor(),
        infra_currency=settings.PISTA_INFRA_COST_CURRENCY,
        gmv=overview.gmv_week,
        revenue={c: sum(v[-7:]) for c, v in overview.revenue_by_day.items()},
    )
