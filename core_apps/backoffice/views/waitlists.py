"""Waitlists (``manage:waitlists``). Stub: the waitlist pages are built here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required("orders.view_waitlistentry")
def waitlist_list(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Waitlists"),
        coming=_(
            "Waitlists per product and role, with positions, offers made, claimed and "
            "expired, manual offers and removal."
        ),
    )


urlpatterns = [path("", waitlist_list, name="waitlists")]
