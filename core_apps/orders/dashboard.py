"""Sales figures for the organizer's dashboard (selectors), per community or
per event.

The figures come from five aggregate queries (``GROUP BY`` in PostgreSQL;
the tickets are read once), so the dashboard costs the same number of queries
with ten orders or a hundred thousand. Definitions:

- *sold* orders are those paid at some point: paid, partially refunded,
  refunded; their tickets count on the day the order was paid, in the
  community's zone; *revenue* is what their tickets cost after discounts.
- *refunds* are succeeded refunds (money given back).
- *check-in rate*: valid tickets of paid orders checked in at least once.
- *waitlist conversion*: offers claimed out of offers that were decided
  (claimed, declined or expired); offers still open are shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate

from core_apps.orders.models import Order, Position, Refund, WaitlistEntry
from core_apps.ticketing.models import Product
from pista.formats import zone_get

SOLD = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED]
STILL_VALID = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]
CLASS_KINDS = ["class", "course"]


@dataclass(frozen=True)
class DayFigures:
    day: date
    tickets: int
    revenue_minor: int


@dataclass(frozen=True)
class ProductFigures:
    product_id: int
    name: str
    tickets: int
    revenue_minor: int


@dataclass(frozen=True)
class ClassBalance:
    event_id: int
    title: str
    lead: int
    follow: int

    @property
    def difference(self) -> int:
        return self.lead - self.follow


@dataclass(frozen=True)
class PromoFigures:
    code: str
    orders: int
    discount_minor: int


@dataclass
class Dashboard:
    currency: str
    zone: str
    event_id: int | None
    over_time: list[DayFigures] = field(default_factory=list)
    by_product: list[ProductFigures] = field(default_factory=list)
    by_role: dict[str, int] = field(default_factory=dict)
    class_balance: list[ClassBalance] = field(default_factory=list)
    checked_in: int = 0
    checkin_expected: int = 0
    waitlist: dict[str, int] = field(default_factory=dict)
    promos: list[PromoFigures] = field(default_factory=list)
    refunds_count: int = 0
    refunds_minor: int = 0

    @property
    def tickets(self) -> int:
        return sum(d.tickets for d in self.over_time)

    @property
    def revenue_minor(self) -> int:
        return sum(d.revenue_minor for d in self.over_time)

    @property
    def net_minor(self) -> int:
        return self.revenue_minor - self.refunds_minor

    @property
    def checkin_percent(self) -> int:
        if not self.checkin_expected:
            return 0
        return round(100 * self.checked_in / self.checkin_expected)

    @property
    def waitlist_decided(self) -> int:
        return sum(self.waitlist.get(s, 0) for s in ("claimed", "declined", "expired"))

    @property
    def waitlist_conversion_percent(self) -> int:
        decided = self.waitlist_decided
        return round(100 * self.waitlist.get("claimed", 0) / decided) if decided else 0


def _positions(event_id: int | None) -> QuerySet[Position]:
    positions = Position.objects.filter(order__status__in=SOLD)
    if event_id is not None:
        positions = positions.filter(product__event_id=event_id)
    return positions


def dashboard_figures(*, currency: str, zone: str, event_id: int | None = None) -> Dashboard:
    """Every figure of the dashboard in five aggregate queries: the tickets are
    read once, grouped by day, product, role and whether they still admit (a
    few hundred rows whatever the number of orders), and summed up here."""
    board = Dashboard(currency=currency, zone=zone, event_id=event_id)
    still_valid = Case(
        When(Q(order__status__in=STILL_VALID, status=Position.Status.VALID), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    groups = list(
        _positions(event_id)
        .annotate(day=TruncDate("order__paid_at", tzinfo=zone_get(zone)), valid=still_valid)
        .values("day", "product_id", "role_admitted", "valid")
        .annotate(
            tickets=Count("pk"),
            revenue=Sum("price_minor"),
            checked=Count("pk", filter=Q(checked_in_at__isnull=False)),
        )
        .order_by()
    )
    products = {
        row["pk"]: row
        for row in Product.objects.filter(pk__in={g["product_id"] for g in groups}).values(
            "pk", "name", "event_id", "event__title", "event__kind", "event__starts_at"
        )
    }
    days: dict[date, list[int]] = {}
    per_product: dict[int, list[int]] = {}
    balances: dict[int, dict[str, int]] = {}
    for group in groups:
        revenue = group["revenue"] or 0
        if group["day"] is not None:
            figures = days.setdefault(group["day"], [0, 0])
            figures[0] += group["tickets"]
            figures[1] += revenue
        totals = per_product.setdefault(group["product_id"], [0, 0])
        totals[0] += group["tickets"]
        totals[1] += revenue
        if not group["valid"]:
            continue
        role = group["role_admitted"] or ""
        board.by_role[role] = board.by_role.get(role, 0) + group["tickets"]
        board.checkin_expected += group["tickets"]
        board.checked_in += group["checked"]
        product = products[group["product_id"]]
        if product["event__kind"] in CLASS_KINDS and role in ("lead", "follow"):
            balance = balances.setdefault(product["event_id"], {"lead": 0, "follow": 0})
            balance[role] += group["tickets"]
    board.over_time = [DayFigures(day, t, r) for day, (t, r) in sorted(days.items())]
    board.by_product = sorted(
        (ProductFigures(pk, products[pk]["name"], t, r) for pk, (t, r) in per_product.items()),
        key=lambda p: (-p.tickets, p.name),
    )
    board.by_role = dict(sorted(board.by_role.items()))
    event_rows = {p["event_id"]: p for p in products.values()}
    board.class_balance = [
        ClassBalance(pk, event_rows[pk]["event__title"], b["lead"], b["follow"])
        for pk, b in sorted(
            balances.items(), key=lambda item: (event_rows[item[0]]["event__starts_at"], item[0])
        )
    ]

    waitlist = WaitlistEntry.objects.all()
    if event_id is not None:
        waitlist = waitlist.filter(product__event_id=event_id)
    board.waitlist = {
        row["status"]: row["n"]
        for row in waitlist.values("status").annotate(n=Count("pk")).order_by("status")
    }

    orders = Order.objects.filter(status__in=SOLD)
    if event_id is not None:
        orders = orders.filter(event_id=event_id)
    board.promos = [
        PromoFigures(row["promo_code__code"], row["orders"], row["discount"] or 0)
        for row in orders.filter(promo_code__isnull=False)
        .values("promo_code__code")
        .annotate(orders=Count("pk"), discount=Sum("discount_minor"))
        .order_by("-orders", "promo_code__code")
    ]
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED)
    if event_id is not None:
        refunds = refunds.filter(order__event_id=event_id)
    refunded = refunds.aggregate(count=Count("pk"), amount=Sum("amount_minor"))
    board.refunds_count, board.refunds_minor = refunded["count"], refunded["amount"] or 0
    return board


def dashboard_csv_rows(board: Dashboard, chart: str) -> list[list[Any]]:
    """One chart's data as rows (header first), amounts as decimals in the
    currency's unit. Raises KeyError for an unknown chart."""
    from pista.formats import money_decimal

    def money(minor: int) -> str:
        return str(money_decimal(minor, board.currency))

    charts: dict[str, Any] = {
        "over-time": lambda: [
            ["day", "tickets", f"revenue_{board.currency}"],
            *[[d.day.isoformat(), d.tickets, money(d.revenue_minor)] for d in board.over_time],
        ],
        "by-product": lambda: [
            ["product", "tickets", f"revenue_{board.currency}"],
            *[[p.name, p.tickets, money(p.revenue_minor)] for p in board.by_product],
        ],
        "by-role": lambda: [
            ["role", "tickets"],
            *[[role or "none", n] for role, n in board.by_role.items()],
        ],
        "class-balance": lambda: [
            ["class", "lead", "follow", "difference"],
            *[[c.title, c.lead, c.follow, c.difference] for c in board.class_balance],
        ],
        "checkin": lambda: [
            ["checked_in", "tickets", "percent"],
            [board.checked_in, board.checkin_expected, board.checkin_percent],
        ],
        "waitlist": lambda: [
            ["status", "entries"],
            *[[status, n] for status, n in sorted(board.waitlist.items())],
            ["conversion_percent", board.waitlist_conversion_percent],
        ],
        "promos": lambda: [
            ["code", "orders", f"discount_{board.currency}"],
            *[[p.code, p.orders, money(p.discount_minor)] for p in board.promos],
        ],
        "refunds": lambda: [
            ["refunds", f"amount_{board.currency}"],
            [board.refunds_count, money(board.refunds_minor)],
        ],
    }
    return charts[chart]()


DASHBOARD_CHARTS = [
    "over-time",
    "by-product",
    "by-role",
    "class-balance",
    "checkin",
    "waitlist",
    "promos",
    "refunds",
]
