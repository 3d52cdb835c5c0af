"""API routes of the venues app, included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.bookings.urls import booking_api_urlpatterns
from core_apps.venues import api as venues_api

urlpatterns = [
    path("venues/", venues_api.VenueListApi.as_view(), name="venues"),
    path("venues/<int:pk>/", venues_api.VenueDetailApi.as_view(), name="venue"),
    path(
        "venues/<int:pk>/blackouts/", venues_api.VenueBlackoutApi.as_view(), name="venue-blackouts"
    ),
    path(
        "spaces/<int:pk>/availability/",
        venues_api.SpaceAvailabilityApi.as_view(),
        name="space-availability",
    ),
    path("spaces/<int:pk>/quote/", venues_api.SpaceQuoteApi.as_view(), name="space-quote"),
    *booking_api_urlpatterns(
        prefix="space-bookings",
        api=venues_api,
        model="Space",
        actions=("approve", "decline", "cancel"),
    ),
    path(
        "space-booking-series/<int:pk>/approve/",
        venues_api.SpaceBookingSeriesApproveApi.as_view(),
        name="space-booking-series-approve",
    ),
]
