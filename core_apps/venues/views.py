"""HTML pages for venues: listing, spaces with calendar and request form, bookings."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core_apps.venues import selectors, services
from core_apps.venues.forms import DecisionForm, SpaceBookingRequestForm
from pista.errors import ApplicationError, NotFound


def _or_404(error: NotFound) -> Http404:
    return Http404(error.message)


def venue_index(request: HttpRequest) -> HttpResponse:
    return render(request, "venues/venue_index.html", {"venues": selectors.venue_list()})


def venue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venue = selectors.venue_get(slug=slug)
    except NotFound as exc:
        raise _or_404(exc) from exc
    return render(
        request,
        "venues/venue_detail.html",
        {
            "venue": venue,
            "spaces": venue.spaces.all(),
            "opening_hours": venue.opening_hours.all(),
            "blackouts": venue.blackout_dates.filter(date__gte=timezone.localdate()),
        },
    )


def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The space's week or month calendar, and the request form with a price and
    conflict preview before anything is sent."""
    try:
        space = selectors.space_get(pk=pk)
    except NotFound as exc:
        raise _or_404(exc) from exc
    zone = ZoneInfo(space.venue.time_zone)
    view = "month" if request.GET.get("view") == "month" else "week"
    try:
        around = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        around = timezone.now().astimezone(zone).date()
    days, by_day = selectors.space_calendar(space=space, around=around, view=view)
    preview = None
    status = 200
    with timezone.override(zone):
        form = SpaceBookingRequestForm(request.POST or None)
        if request.method == "POST":
            if not request.user.is_authenticated:
                return redirect(f"/accounts/login/?next={request.path}")
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if "send" in request.POST:
                        bookings = services.space_booking_request(
                            requester=request.user,  # type: ignore[arg-type]
                            space=space,
                            title=data["title"],
                            starts_at=data["starts_at"],
                            ends_at=data["ends_at"],
                            rrule=data["rrule"] or None,
                            free_dates_only=data["free_dates_only"],
                        )
                        messages.success(request, f"Requested {len(bookings)} date(s).")
                        return redirect("venues:bookings")
                    preview = selectors.space_occurrences_preview(
                        space=space,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        rrule=data["rrule"] or None,
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                    for item in exc.extra.get("dates", []):
                        form.add_error(None, f"{item['starts_at']}: {item['detail']}")
                    status = exc.status_code
            else:
                status = 400
    return render(
        request,
        "venues/space_detail.html",
        {
            "space": space,
            "zone": zone,
            "view": view,
            "days": [(day, by_day[day]) for day in days],
            "form": form,
            "preview": preview,
            "preview_total": sum(o.price_minor or 0 for o in preview if o.is_free)
            if preview
            else 0,
        },
        status=status,
    )


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "venues/booking_list.html",
        {
            "bookings": selectors.space_bookings_for_user(user=user),  # type: ignore[arg-type]
            "inbox": selectors.space_inbox(user=user)[:20],  # type: ignore[arg-type]
        },
    )


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        booking = selectors.space_booking_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise _or_404(exc) from exc
    return render(
        request,
        "venues/booking_detail.html",
        {
            "booking": booking,
            "entries": selectors.space_booking_entries(booking=booking),
            "is_manager": selectors.venue_is_managed_by(
                venue=booking.space.venue,
                user=request.user,  # type: ignore[arg-type]
            ),
            "form": DecisionForm(),
            "zone": ZoneInfo(booking.space.venue.time_zone),
        },
    )


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        booking = selectors.space_booking_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise _or_404(exc) from exc
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    user = request.user
    try:
        if action == "approve-series" and booking.series_id is not None:
            series = selectors.space_series_for_user(user=user, pk=booking.series_id)  # type: ignore[arg-type]
            confirmed, declined = services.space_booking_series_approve(actor=user, series=series)  # type: ignore[arg-type]
            messages.success(
                request, f"{len(confirmed)} date(s) confirmed, {len(declined)} declined."
            )
            return redirect("venues:booking", pk=pk)
        if action == "approve":
            services.space_booking_approve(actor=user, booking=booking, note=note)  # type: ignore[arg-type]
        elif action == "decline":
            services.space_booking_decline(actor=user, booking=booking, note=note)  # type: ignore[arg-type]
        elif action == "cancel":
            services.space_booking_cancel(actor=user, booking=booking)  # type: ignore[arg-type]
        else:
            raise Http404("No such action.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        response = booking_detail(request, pk)
        response.status_code = exc.status_code
        return response
    messages.success(request, f"Booking {action}d." if action != "cancel" else "Booking cancelled.")
    return redirect("venues:booking", pk=pk)


@login_required
def booking_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        invoice = selectors.space_invoice_for_user(user=request.user, booking_pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise _or_404(exc) from exc
    return render(request, "venues/invoice.html", {"invoice": invoice})
