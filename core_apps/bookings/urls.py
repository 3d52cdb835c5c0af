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


def booking_api_urlpatterns(
    *, prefix: str, api: ModuleType, model: str, actions: Sequence[str]
) -> list[URLPattern]:
    """The API routes of a booking flow: ``<prefix>/`` (``<model>BookingListApi``),
    ``<prefix>/<pk>/`` (``…DetailApi``) and ``<prefix>/<pk>/<action>/`` for each of
    ``actions`` (``…ActionApi``), named ``<prefix>``, ``<prefix minus s>`` and
    ``<prefix minus s>-<action>``."""
    one = prefix.removesuffix("s")
    action_api = getattr(api, f"{model}BookingActionApi")
    return [
        path(f"{prefix}/", getattr(api, f"{model}BookingListApi").as_view(), name=prefix),
        path(f"{prefix}/<int:pk>/", getattr(api, f"{model}BookingDetailApi").as_view(), name=one),
        *[
            path(
                f"{prefix}/<int:pk>/{action}/",
                action_api.as_view(action_name=action),
                name=f"{one}-{action}",
            )
            for action in actions
        ],
    ]
