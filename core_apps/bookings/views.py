"""HTML plumbing of both booking flows: lookups that 404, the bookings page,
and running one workflow step from a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
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


def booking_list_page(
    request: HttpRequest,
    *,
    template: str,
    booking_url: str,
    bookings: Callable[..., Any],
    inbox: Callable[..., Any],
) -> HttpResponse:
    """The signed-in user's bookings and their 20 newest notifications.
    ``template`` extends ``bookings/booking_list.html``."""
    user = cast(User, request.user)  # login_required
    context = {
        "bookings": bookings(user=user),
        "inbox": inbox(user=user)[:20],
        "booking_url": booking_url,
    }
    return render(request, template, context)


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
