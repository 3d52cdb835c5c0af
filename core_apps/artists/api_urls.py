"""API routes of the artists app, included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.artists import api as artists_api
from core_apps.bookings.urls import booking_api_urlpatterns

urlpatterns = [
    path("artists/", artists_api.ArtistListApi.as_view(), name="artists"),
    path("artists/<int:pk>/", artists_api.ArtistDetailApi.as_view(), name="artist"),
    path("artists/<int:pk>/invite/", artists_api.ArtistInviteApi.as_view(), name="artist-invite"),
    path(
        "artists/<int:pk>/availability/",
        artists_api.ArtistAvailabilityApi.as_view(),
        name="artist-availability",
    ),
    *booking_api_urlpatterns(
        prefix="artist-bookings",
        api=artists_api,
        model="Artist",
        actions=("counter", "accept", "decline", "withdraw", "deposit"),
    ),
]
