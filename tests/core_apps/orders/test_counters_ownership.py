"""Orders reach ticketing's counters only through ticketing's services: no
table of ticketing or events is named in orders' code, and every statement of
an order's life that writes or locks a quota or product row runs inside
``core_apps/ticketing/services.py``."""

from __future__ import annotations

import ast
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from core_apps.orders.models import Order
from core_apps.orders.services import (
    LineIn,
    order_cancel,
    order_checkout,
    order_mark_paid,
    position_transfer,
)
from core_apps.ticketing.models import Quota, RoleMode
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db

ORDERS = Path(__file__).resolve().parents[3] / "core_apps" / "orders"
TICKETING_SERVICES = str(Path("core_apps") / "ticketing" / "services.py")
FOREIGN_TABLE = re.compile(r"\b(ticketing_\w+|events_event\w*)\b")
COUNTER_WRITE = re.compile(
    r'^\s*UPDATE\s+"?ticketing_(quota|product)\b'
    r'|\bFROM\s+"?ticketing_(quota|product)\b.*\bFOR UPDATE',
    re.IGNORECASE | re.DOTALL,
)


def _orders_sources() -> Iterator[Path]:
    for path in sorted(ORDERS.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_orders_code_names_no_table_of_ticketing_or_events():
    found = [
        f"{path.relative_to(ORDERS)}:{number}: {line.strip()}"
        for path in _orders_sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if FOREIGN_TABLE.search(line)
    ]
    assert not found, "orders reaches into another app's tables:\n" + "\n".join(found)


def test_orders_services_write_no_ticketing_model():
    """Ticketing's models may be named in orders' services (types, choices), but
    never queried or saved there: reads go through ticketing's selectors."""
    offences = []
    for path in sorted((ORDERS / "services").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in {"Quota", "Product", "PriceTier", "AttendeeQuestion"}
            ):
                offences.append(f"{path.name}:{node.lineno}: {node.value.id}.objects")
    assert not offences


@contextmanager
def _counter_statements() -> Iterator[list[tuple[str, list[str]]]]:
    """Record each statement that writes or locks a quota or product row, with
    the files of the Python frames that sent it."""
    seen: list[tuple[str, list[str]]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if COUNTER_WRITE.search(sql):
            seen.append((sql, [frame.filename for frame in traceback.extract_stack()]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def test_every_counter_write_of_an_orders_life_runs_in_ticketings_services(in_a):
    event = EventFactory()
    hall = QuotaFactory(size=10, event=event, role_mode=RoleMode.LEAD_FOLLOW, max_difference=3)
    workshops = QuotaFactory(size=10, event=event)
    full = ProductFactory(event=event, quotas=[hall, workshops], price_minor=9000)
    party = ProductFactory(event=event, quotas=[hall], price_minor=1500)
    staff = organizer_create()
    with _counter_statements() as seen:
        # Several registrations over several quotas: locked first, then reserved.
        result = order_checkout(
            email="ana@example.org",
            name="Ana",
            provider="manual",
            lines=[
                LineIn(product_id=full.pk, quantity=1, role="lead"),
                LineIn(product_id=party.pk, quantity=1, role="follow"),
            ],
        )
        assert result.order is not None
        order = order_mark_paid(order=result.order, actor=None, provider="manual")
        position = order.positions.get(product=party)
        position_transfer(
            position=position, name="Leo", email="leo@example.org", role="lead", actor=staff
        )
        cancelled = order_checkout(
            email="bo@example.org",
            name="Bo",
            provider="manual",
            lines=[LineIn(product_id=party.pk, quantity=1, role="follow")],
        ).order
        assert cancelled is not None
        order_cancel(order=cancelled, actor=None, reason="changed mind")

    kinds = {
        ("lock" if "FOR UPDATE" in sql.upper() else "update", m.group(1) or m.group(2))
        for sql, _ in seen
        if (m := COUNTER_WRITE.search(sql))
    }
    # Locks, reservations, the role move and the releases all happened...
    assert {("lock", "quota"), ("update", "quota"), ("update", "product")} <= kinds
    # ...and each from ticketing's own services.
    strays = [sql for sql, files in seen if not any(f.endswith(TICKETING_SERVICES) for f in files)]
    assert not strays, strays
    hall.refresh_from_db()
    assert (hall.sold, hall.sold_lead, hall.sold_follow) == (2, 2, 0)
    assert Quota.objects.get(pk=workshops.pk).sold == 1
    assert Order.objects.get(pk=cancelled.pk).status == Order.Status.CANCELLED
