"""Check-in lists (``manage:checkin``). Stub: the check-in pages are built here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required("orders.view_checkin")
def checkin_lists(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Check-in"),
        coming=_("Check-in lists per event and date, a scanner page per list with live counts."),
    )


urlpatterns = [path("", checkin_lists, name="checkin")]
