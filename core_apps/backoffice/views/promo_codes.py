"""Promo codes (``manage:promo-codes``). Stub: the promo-code pages are built here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required("orders.view_promocode")
def promo_code_list(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Promo codes"),
        coming=_(
            "Create, edit and deactivate promo codes: percent or fixed, usage limits, "
            "windows, products, hidden products unlocked; usage shown."
        ),
    )


urlpatterns = [path("", promo_code_list, name="promo-codes")]
