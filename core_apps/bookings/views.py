"""HTML plumbing of both booking flows: the bookings page. (A lookup's NotFound
is the 404 page and a failed workflow step is flashed by the one HTML error
path: ``pista.error_views``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core_apps.accounts.models import User


def booking_list_view(
    *, app: str, bookings: Callable[..., Any], inbox: Callable[..., Any]
) -> Callable[[HttpRequest], HttpResponse]:
    """The page of the signed-in user's bookings of ``app`` and their 20 newest
    notifications, rendered by ``<app>/booking_list.html`` (which extends
    ``bookings/booking_list.html``); each row links to ``<app>:booking``."""

    @login_required
    def booking_list(request: HttpRequest) -> HttpResponse:
        user = cast(User, request.user)
        context = {
            "bookings": bookings(user=user),
            "inbox": inbox(user=user)[:20],
            "booking_url": f"{app}:booking",
        }
        return render(request, f"{app}/booking_list.html", context)

    return booking_list
