"""HTML plumbing of both booking flows: lookups that 404, the bookings page,
and running one workflow step from a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core_apps.accounts.models import User
from pista.errors import ApplicationError, NotFound

T = TypeVar("T")


def or_404(lookup: Callable[[], T]) -> T:
    """``lookup()``, with the domain's NotFound shown as the 404 page."""
    try:
        return lookup()
    except NotFound as exc:
        raise Http404(exc.message) from exc


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


def booking_step_run(
    request: HttpRequest,
    *,
    run: Callable[[], str],
    failed: Callable[[int], HttpResponse],
    done_url: str,
) -> HttpResponse:
    """Run a workflow step; flash the message it returns and redirect to
    ``done_url``, or flash its domain error and answer ``failed(status)``."""
    try:
        done = run()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return failed(exc.status_code)
    messages.success(request, done)
    return redirect(done_url)
