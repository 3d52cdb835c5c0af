"""Orders in the back office: the searchable list, one order's page and the
staff actions on it (mark paid, resend tickets, cancel, refund, change an
attendee, extend the deadline), each confirmed on its own page with a reason.
Thin: parse with a form, call one service of ``core_apps.orders.services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.backoffice.forms import (
    PAGE_SIZE,
    AttendeeForm,
    DeadlineForm,
    MarkPaidForm,
    OrderFilterForm,
    ReasonForm,
    RefundForm,
)
from core_apps.orders import services
from core_apps.orders.invoices import invoice_pdf
from core_apps.orders.models import Order
from core_apps.orders.selectors import (
    StaffOrderFilters,
    invoice_of_order,
    order_audit_entries,
    order_detail_for_staff,
    orders_for_staff,
    position_of_order,
)
from pista.error_views import form_error_status, form_service_call
from pista.formats import money_format
from tenants.current import community_current


def _community_zone() -> ZoneInfo:
    return ZoneInfo(community_current().time_zone)


def _order_zone(order: Order) -> str:
    return (
        order.event.time_zone if order.event_id and order.event else community_current().time_zone
    )


@staff_required("orders.view_order")
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None)
    filters = StaffOrderFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = form.day_bounds(_community_zone())
        event_date = data.get("event_date")
        filters = StaffOrderFilters(
            query=data["q"],
            status=data["status"],
            provider=data["provider"],
            product_id=data["product"].pk if data["product"] else None,
            event_id=data["event"].pk if data["event"] else None,
            event_date_id=event_date.pk if event_date else None,
            created_from=start,
            created_until=end,
        )
    page = Paginator(orders_for_staff(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/orders/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "zone": community_current().time_zone,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required("orders.view_order")
def order_detail(request: HttpRequest, code: str) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    return render(
        request,
        "backoffice/orders/detail.html",
        {
            "order": order,
            "zone": _order_zone(order),
            "left_minor": order.total_minor - order.refunded_minor,
            "audit_entries": list(order_audit_entries(order=order)[:100]),
            "can_change": request.user.has_perm("orders.change_order"),
        },
    )


@staff_required("orders.view_order")
def order_invoice(request: HttpRequest, code: str, number: int) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    invoice = invoice_of_order(order=order, number=number)
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response


ActionRun = Callable[[forms.Form], Any]


def _confirm_page(
    request: HttpRequest,
    *,
    order: Order,
    form: forms.Form,
    title: str,
    explanation: str,
    run: ActionRun,
    done: str,
    danger: bool = False,
) -> HttpResponse:
    """GET: the confirmation page; POST: run the service, then back to the
    order with ``done``, or the page again with the service's message."""
    if request.method == "POST" and form.is_valid():
        form_service_call(form, lambda: run(form))
        if not form.errors:
            messages.success(request, done)
            return redirect("manage:order-detail", code=order.code)
    return render(
        request,
        "backoffice/orders/confirm.html",
        {
            "order": order,
            "form": form,
            "title": title,
            "explanation": explanation,
            "danger": danger,
            "zone": _order_zone(order),
        },
        status=form_error_status(form) if request.method == "POST" else 200,
    )


@staff_required("orders.change_order")
def order_mark_paid(request: HttpRequest, code: str) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    form = MarkPaidForm(request.POST or None)
    return _confirm_page(
        request,
        order=order,
        form=form,
        title=_("Mark order %(code)s as paid") % {"code": order.code},
        explanation=_(
            "Confirm that %(amount)s arrived. The buyer gets the tickets and the invoice."
        )
        % {"amount": money_format(order.total_minor, order.currency)},
        run=lambda f: services.order_staff_mark_paid(
            order=order,
            actor=authed_user(request),
            reason=f.cleaned_data["reason"],
            reference=f.cleaned_data["reference"],
        ),
        done=_("The order was marked as paid."),
    )


@staff_required("orders.change_order")
def order_resend(request: HttpRequest, code: str) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    return _confirm_page(
        request,
        order=order,
        form=ReasonForm(request.POST or None),
        title=_("Resend the tickets of order %(code)s") % {"code": order.code},
        explanation=_("The tickets email goes again to %(email)s.") % {"email": order.email},
        run=lambda f: services.order_tickets_resend(
            order=order, actor=authed_user(request), reason=f.cleaned_data["reason"]
        ),
        done=_("The tickets will be sent again."),
    )


@staff_required("orders.change_order")
def order_cancel(request: HttpRequest, code: str) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    return _confirm_page(
        request,
        order=order,
        form=ReasonForm(request.POST or None),
        title=_("Cancel order %(code)s") % {"code": order.code},
        explanation=_("The tickets end and their places go back on sale."),
        run=lambda f: services.order_staff_cancel(
            order=order, actor=authed_user(request), reason=f.cleaned_data["reason"]
        ),
        done=_("The order was cancelled."),
        danger=True,
    )


@staff_required("orders.change_order")
def order_refund(request: HttpRequest, code: str) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    left = order.total_minor - order.refunded_minor
    return _confirm_page(
        request,
        order=order,
        form=RefundForm(request.POST or None, currency=order.currency),
        title=_("Refund order %(code)s") % {"code": order.code},
        explanation=_(
            "Up to %(left)s can be refunded to the original payment; a credit note is issued."
        )
        % {"left": money_format(left, order.currency)},
        run=lambda f: services.order_staff_refund(
            order=order,
            actor=authed_user(request),
            reason=f.cleaned_data["reason"],
            amount_minor=f.cleaned_data["amount"],
        ),
        done=_("The refund was made."),
        danger=True,
    )


@staff_required("orders.change_order")
def order_extend(request: HttpRequest, code: str) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    zone = ZoneInfo(_order_zone(order))
    return _confirm_page(
        request,
        order=order,
        form=DeadlineForm(request.POST or None, zone=zone),
        title=_("Extend the deadline of order %(code)s") % {"code": order.code},
        explanation=_("The places stay held until the new deadline."),
        run=lambda f: services.order_deadline_extend(
            order=order,
            actor=authed_user(request),
            reason=f.cleaned_data["reason"],
            until=f.cleaned_data["until"],
        ),
        done=_("The deadline was extended."),
    )


@staff_required("orders.change_order")
def position_change(request: HttpRequest, code: str, position_id: int) -> HttpResponse:
    order = order_detail_for_staff(code=code)
    position = position_of_order(order=order, position_id=position_id)
    initial = {
        "name": position.attendee_name,
        "email": position.attendee_email,
        "role": position.role_admitted,
    }
    return _confirm_page(
        request,
        order=order,
        form=AttendeeForm(request.POST or None, initial=initial),
        title=_("Change the attendee of ticket %(ticket)s") % {"ticket": position.pk},
        explanation=_("A new role moves the place between the leaders' and followers' counts."),
        run=lambda f: services.position_attendee_change(
            position=position,
            actor=authed_user(request),
            reason=f.cleaned_data["reason"],
            name=f.cleaned_data["name"],
            email=f.cleaned_data["email"],
            role=f.cleaned_data["role"],
        ),
        done=_("The ticket was changed."),
    )


ACTIONS: dict[str, Callable[[HttpRequest, str], HttpResponse]] = {
    "mark-paid": order_mark_paid,
    "resend": order_resend,
    "cancel": order_cancel,
    "refund": order_refund,
    "extend": order_extend,
}
ACTION_LABELS = {
    "mark-paid": gettext_lazy("Mark paid"),
    "resend": gettext_lazy("Resend tickets"),
    "cancel": gettext_lazy("Cancel"),
    "refund": gettext_lazy("Refund"),
    "extend": gettext_lazy("Extend deadline"),
}


def order_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    view = ACTIONS.get(action)
    if view is None:
        raise Http404
    return view(request, code)


urlpatterns = [
    path("", order_list, name="orders"),
    path("<str:code>/", order_detail, name="order-detail"),
    path("<str:code>/invoices/<int:number>.pdf", order_invoice, name="order-invoice"),
    path(
        "<str:code>/positions/<int:position_id>/change/",
        position_change,
        name="order-position-change",
    ),
    path("<str:code>/<slug:action>/", order_action, name="order-action"),
]
