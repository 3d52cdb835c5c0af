"""Payment settings (``manage:payments``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required("orders.change_order")
def payment_settings(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Payment settings"),
        coming=_("Legal name, address, VAT ID, bank account, payment deadlines and providers."),
    )


urlpatterns = [path("", payment_settings, name="payments")]
