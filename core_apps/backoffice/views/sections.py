"""Back-office sections whose own pages are still to come: each says what it will hold."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core_apps.backoffice.access import staff_required
from core_apps.backoffice.views.common import placeholder_render


@staff_required()
def venues(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Venues"),
        coming=_(
            "Venues, their spaces, opening hours and blackout dates, edited through the services."
        ),
    )


@staff_required()
def artists(request: HttpRequest) -> HttpResponse:
    return placeholder_render(
        request,
        title=_("Artists"),
        coming=_("Artist profiles and bookings, edited through the services."),
    )


urlpatterns = [
    path("venues/", venues, name="venues"),
    path("artists/", artists, name="artists"),
]
