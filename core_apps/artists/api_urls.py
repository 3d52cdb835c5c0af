"""API routes of the artists app, included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.artists import api as artists_api

urlpatterns = [
    path("artists/", artists_api.ArtistListApi.as_view(), name="artists"),
    path("artists/<int:pk>/", artists_api.ArtistDetailApi.as_view(), name="artist"),
    path("artists/<int:pk>/invite/", artists_api.ArtistInviteApi.as_view(), name="artist-invite"),
    path(
        "artists/<int:pk>/availability/",
        artists_api.ArtistAvailabilityApi.as_view(),
        name="artist-availability",
    ),
    path("artist-bookings/", artists_api.ArtistBookingListApi.as_view(), name="artist-bookings"),
    path(
        "artist-bookings/<int:pk>/",
        artists_api.ArtistBookingDetailApi.as_view(),
        name="artist-booking",
    ),
    *[
        path(
            f"artist-bookings/<int:pk>/{action}/",
            artists_api.ArtistBookingActionApi.as_view(action_name=action),
            name=f"artist-booking-{action}",
        )
        for action in ("counter", "accept", "decline", "withdraw", "deposit")
    ],
]
