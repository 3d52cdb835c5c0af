"""The sales dashboard (``manage:dashboard``), for the community or one event:
tickets and revenue over time, by product and by role, lead/follow balance per
class, check-in rate, waitlist conversion, promo use and refunds. Figures come
from ``core_apps.orders.dashboard`` (aggregate queries); charts are SVG drawn
here; each chart's data downloads as CSV."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.charts import bars_svg, columns_svg, pairs_svg
from core_apps.events.models import Event
from core_apps.events.selectors import event_for_staff, events_for_staff
from core_apps.orders.dashboard import (
    DASHBOARD_CHARTS,
    Dashboard,
    dashboard_csv_rows,
    dashboard_figures,
)
from pista.formats import money_format
from tenants.current import community_current


def _board(request: HttpRequest) -> tuple[Dashboard, Event | None]:
    community = community_current()
    raw = request.GET.get("event", "")
    event = event_for_staff(pk=int(raw)) if raw.isdigit() else None
    board = dashboard_figures(
        currency=community.currency,
        zone=event.time_zone if event is not None else community.time_zone,
        event_id=event.pk if event is not None else None,
    )
    return board, event


@staff_required("orders.view_order")
def dashboard(request: HttpRequest) -> HttpResponse:
    board, event = _board(request)

    def money(minor: int) -> str:
        return money_format(minor, board.currency)

    role_names = {"lead": _("Leaders"), "follow": _("Followers"), "switch": _("Switches")}
    charts = {
        "tickets": columns_svg(
            [(d.day.strftime("%d %b"), d.tickets, str(d.tickets)) for d in board.over_time],
            label=_("Tickets sold per day"),
        ),
        "revenue": columns_svg(
            [
                (d.day.strftime("%d %b"), d.revenue_minor, money(d.revenue_minor))
                for d in board.over_time
            ],
            label=_("Revenue per day"),
        ),
        "by_product": bars_svg(
            [
                (p.name, p.revenue_minor, f"{p.tickets} · {money(p.revenue_minor)}")
                for p in board.by_product
            ],
            label=_("Tickets and revenue by product"),
        ),
        "by_role": bars_svg(
            [(role_names.get(r, r or _("No role")), n, str(n)) for r, n in board.by_role.items()],
            label=_("Tickets by role"),
        ),
        "class_balance": pairs_svg(
            [(c.title, c.lead, c.follow) for c in board.class_balance],
            label=_("Leaders and followers per class"),
            names=(_("Leaders"), _("Followers")),
        ),
    }
    query = f"?event={event.pk}" if event is not None else ""
    return render(
        request,
        "backoffice/dashboard/dashboard.html",
        {
            "board": board,
            "event": event,
            "events": events_for_staff()[:200],
            "charts": charts,
            "csv_query": query,
            "revenue": money(board.revenue_minor),
            "refunds": money(board.refunds_minor),
            "net": money(board.net_minor),
            "promos": [(p, money(p.discount_minor)) for p in board.promos],
        },
    )


@staff_required("orders.view_order")
def dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in DASHBOARD_CHARTS:
        raise Http404
    board, _event = _board(request)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in dashboard_csv_rows(board, chart):
        writer.writerow(row)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    suffix = f"-event-{board.event_id}" if board.event_id else ""
    response["Content-Disposition"] = f'attachment; filename="dashboard-{chart}{suffix}.csv"'
    return response


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("<slug:chart>.csv", dashboard_csv, name="dashboard-csv"),
]
