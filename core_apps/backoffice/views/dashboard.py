"""The sales dashboard (``manage:dashboard``). Stub: the dashboard is built here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required()
def dashboard(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Dashboard"),
        coming=_(
            "Tickets and revenue over time, by product and by role, check-in rate, "
            "waitlist conversion, promo use and refunds."
        ),
    )


urlpatterns = [path("", dashboard, name="dashboard")]
