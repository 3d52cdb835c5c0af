"""Reads for the operator console: communities, their usage, the platform's figures.

Usage is read from each community's schema with raw SQL on the domain apps'
tables, named through the app registry (the platform imports no domain app):
one ``UNION ALL`` query for a page of communities, never a query per community.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import Subscription
from billing.selectors import subscriptions_by_community
from core_apps.privacy.models import AuditEntry
from pista.metrics import communities_last_seen, community_request_health
from tenants.models import Community

OVERVIEW_CACHE_KEY = "console:overview"
OVERVIEW_CACHE_SECONDS = 300
SPARK_DAYS = 30
SOLD_STATUSES = ("paid", "partially_refunded")


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


def community_health(*, community: Community) -> dict[str, int]:
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
    tickets_week: int = 0
    tickets_month: int = 0
    gmv_week: dict[str, int] = field(default_factory=dict)
    gmv_month: dict[str, int] = field(default_factory=dict)
    computed_at: datetime | None = None


def _sales_by_day(
    schemas: list[str], since: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    if not schemas:
        return [], []
    orders, positions = _table("orders.Order"), _table("orders.Position")
    # Identifiers are quoted schema and table names; values go as parameters.
    order_parts: list[str] = []
    ticket_parts: list[str] = []
    order_params: list[Any] = []
    ticket_params: list[Any] = []
    for name in schemas:
        s = _schema(name)
        order_parts.append(
            f"SELECT (paid_at AT TIME ZONE 'UTC')::date AS day, currency, count(*) AS n,"  # noqa: S608
            f" sum(total_minor - refunded_minor) AS gmv FROM {s}.{orders}"
            f" WHERE paid_at >= %s AND status = ANY(%s) GROUP BY 1, 2"
        )
        order_params += [since, list(SOLD_STATUSES)]
        ticket_parts.append(
            f"SELECT (o.paid_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n"  # noqa: S608
            f" FROM {s}.{positions} p JOIN {s}.{orders} o ON o.id = p.order_id"
            f" WHERE o.paid_at >= %s AND o.status = ANY(%s) AND p.status = 'valid' GROUP BY 1"
        )
        ticket_params += [since, list(SOLD_STATUSES)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT day, currency, sum(n), sum(gmv) FROM ("  # noqa: S608
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


def platform_overview(*, fresh: bool = False) -> Overview:
    """The platform's figures: communities by status, members, events, and the
    last 30 days of tickets, orders and sales (GMV per currency). Cached five minutes."""
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
    for day, currency, n, gmv in order_rows:
        if day in index:
            orders_by_day[index[day]] += int(n)
            gmv_by_day.setdefault(currency, [0] * len(days))[index[day]] += int(gmv or 0)
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
        tickets_week=sum(tickets_by_day[-7:]),
        tickets_month=sum(tickets_by_day),
        gmv_week={c: sum(v[-7:]) for c, v in gmv_by_day.items()},
        gmv_month={c: sum(v) for c, v in gmv_by_day.items()},
        computed_at=now,
    )
    with schema_context(get_public_schema_name()):
        cache.set(OVERVIEW_CACHE_KEY, overview, OVERVIEW_CACHE_SECONDS)
    return overview
