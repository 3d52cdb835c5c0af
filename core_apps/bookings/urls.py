"""The routes every booking flow has, for an app's ``urlpatterns``."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from django.urls import URLPattern, path


def booking_urlpatterns(views: ModuleType, *, extra: Sequence[URLPattern] = ()) -> list[URLPattern]:
    """``bookings/`` (``booking_list``), ``bookings/<pk>/`` (``booking_detail``),
    the app's ``extra`` routes, then ``bookings/<pk>/<action>/`` (``booking_action``),
    last because it would take any name."""
    return [
        path("bookings/", views.booking_list, name="bookings"),
        path("bookings/<int:pk>/", views.booking_detail, name="booking"),
        *extra,
        path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking-action"),
    ]
