"""HTML pages for venues: listing, spaces with calendar and request form, bookings."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.bookings.selectors import booking_entries
from core_apps.bookings.views import booking_list_view
from core_apps.venues import selectors, services
from core_apps.venues.forms import DecisionForm, SpaceBookingRequestForm
from pista.error_views import action_run
from pista.errors import ApplicationError


def venue_index(request: HttpRequest) -> HttpResponse:
    return render(request, "venues/venue_index.html", {"venues": selectors.venue_list()})


def venue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The venue's public page: its active spaces, hours and closed days ahead."""
    venue = selectors.venue_public_get(slug=slug)
    return render(
        request,
        "venues/venue_detail.html",
        {
            "venue": venue,
            "spaces": venue.spaces.all(),
            "opening_hours": venue.opening_hours.all(),
            "blackouts": selectors.venue_blackouts_ahead(venue=venue),
        },
    )


def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The space's week or month calendar, and the request form with a price and
    conflict preview before anything is sent.

    A deactivated space answers 410 Gone with a page saying it takes no new
    requests, for every method: links to it from bookings, emails and feeds
    keep explaining themselves instead of a bare 404, and the bookings it still
    has stay on their own pages."""
    space = selectors.space_get(pk=pk)
    if not space.is_active:
        return render(request, "venues/space_inactive.html", {"space": space}, status=410)
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
                            requester=authed_user(request),
                            space=space,
                            title=data["title"],
                            starts_at=data["starts_at"],
                            ends_at=data["ends_at"],
                            rrule=data["rrule"] or None,
                            free_dates_only=data["free_dates_only"],
                        )
                        messages.success(
                            request,
                            ngettext(
                                "Requested %(count)s date.",
                                "Requested %(count)s dates.",
                                len(bookings),
                            )
                            % {"count": len(bookings)},
                        )
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


booking_list = booking_list_view(
    app="venues", bookings=selectors.space_bookings_for_user, inbox=selectors.space_inbox
)


@login_required
def booking_detail(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    booking = selectors.space_booking_for_user(user=authed_user(request), pk=pk)
    return render(
        request,
        "venues/booking_detail.html",
        {
            "booking": booking,
            "entries": booking_entries(booking.entries.all()),
            "is_manager": selectors.venue_is_managed_by(
                venue=booking.space.venue,
                user=authed_user(request),
            ),
            "form": DecisionForm(),
            "zone": ZoneInfo(booking.space.venue.time_zone),
        },
        status=status,
    )


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = authed_user(request)
    booking = selectors.space_booking_for_user(user=user, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""

    def series_approve() -> str:
        if booking.series_id is None:  # only offered for a booking in a series (below)
            raise Http404(gettext("No such action."))
        series = selectors.space_series_for_user(user=user, pk=booking.series_id)
        confirmed, declined = services.space_booking_series_approve(actor=user, series=series)
        return f"{len(confirmed)} date(s) confirmed, {len(declined)} declined."

    def approve() -> str:
        services.space_booking_approve(actor=user, booking=booking, note=note)
        return gettext("Booking approved.")

    def decline() -> str:
        services.space_booking_decline(actor=user, booking=booking, note=note)
        return gettext("Booking declined.")

    def cancel() -> str:
        services.space_booking_cancel(actor=user, booking=booking)
        return gettext("Booking cancelled.")

    steps = {"approve": approve, "decline": decline, "cancel": cancel}
    if booking.series_id is not None:
        steps["approve-series"] = series_approve
    if action not in steps:
        raise Http404(gettext("No such action."))
    return action_run(
        request,
        steps[action],
        back=reverse("venues:booking", args=[pk]),
        error_page=lambda status: booking_detail(request, pk, status=status),
    )


@login_required
def booking_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.space_invoice_for_user(user=authed_user(request), booking_pk=pk)
    return render(request, "venues/invoice.html", {"invoice": invoice})
