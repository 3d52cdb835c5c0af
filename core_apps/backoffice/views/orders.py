"""Orders in the back office (``manage:orders``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required("orders.view_order")
def order_list(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Orders"),
        coming=_("Search, filter and act on orders: mark paid, refund, cancel, resend tickets."),
    )


urlpatterns = [path("", order_list, name="orders")]
