"""HTML pages for artists: index and profiles, own profile, booking workflow, gig feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core_apps.accounts.models import User
from core_apps.accounts.request import authed_user
from core_apps.artists import selectors, services
from core_apps.artists.forms import ArtistProfileForm, BlockForm, BookingRequestForm, CounterForm
from core_apps.artists.models import ArtistBooking, ArtistProfile
from core_apps.bookings.selectors import booking_entries
from core_apps.bookings.views import booking_list_view
from pista.error_views import action_run, form_error_status, form_service_call
from pista.errors import ApplicationError


def _zone(request: HttpRequest) -> ZoneInfo:
    tenant = getattr(request, "tenant", None)
    return ZoneInfo(getattr(tenant, "time_zone", None) or "UTC")


def artist_index(request: HttpRequest) -> HttpResponse:
    return render(request, "artists/artist_index.html", {"artists": selectors.artist_list()})


def _public(slug: str) -> ArtistProfile:
    return selectors.artist_get(slug=slug)


def artist_detail(request: HttpRequest, slug: str) -> HttpResponse:
    artist = _public(slug)
    return render(request, "artists/artist_detail.html", {"artist": artist})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """The signed-in artist's own profile, photo and blocked periods."""
    user = authed_user(request)
    profile = selectors.artist_profile_of(user=user)
    initial = ArtistProfileForm.initial_for(profile) if profile is not None else {}
    form = ArtistProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.profile_data()
        photo = form.cleaned_data.get("photo") or None
        if profile is None:
            name = str(data.pop("name"))
            profile = form_service_call(
                form,
                lambda: services.artist_profile_create(
                    actor=user, name=name, user=user, photo=photo, **data
                ),
            )
        else:
            existing = profile
            form_service_call(
                form,
                lambda: services.artist_profile_update(
                    actor=user, profile=existing, data=data, photo=photo
                ),
            )
        if not form.errors:
            messages.success(request, _("Profile saved."))
            return redirect("artists:me")
    return render(
        request,
        "artists/profile_edit.html",
        {
            "profile": profile,
            "form": form,
            "block_form": BlockForm(),
            "blocks": selectors.artist_blocks(artist=profile) if profile else [],
        },
        status=form_error_status(form),
    )


@login_required
@require_POST
def block_create(request: HttpRequest) -> HttpResponse:
    profile = selectors.artist_profile_of(user=authed_user(request))
    if profile is None:
        raise Http404(_("You have no artist profile."))
    with timezone.override(_zone(request)):
        form = BlockForm(request.POST)
        valid = form.is_valid()
    if not valid:
        messages.error(request, _("Give a valid start and end."))
        return redirect("artists:me")

    def block() -> None:
        services.artist_block_create(
            actor=authed_user(request), artist=profile, **form.cleaned_data
        )

    return action_run(request, block, back=reverse("artists:me"))


def booking_request(request: HttpRequest, slug: str) -> HttpResponse:
    artist = _public(slug)
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    with timezone.override(_zone(request)):
        form = BookingRequestForm(request.POST or None, initial={"currency": artist.fee_currency})
        valid = request.method == "POST" and form.is_valid()
    if valid:
        booking = form_service_call(
            form,
            lambda: services.artist_booking_request(
                organizer=authed_user(request), artist=artist, **form.cleaned_data
            ),
        )
        if booking is not None:
            messages.success(request, _("Request sent."))
            return redirect("artists:booking", pk=booking.pk)
    return render(
        request,
        "artists/booking_request.html",
        {"artist": artist, "form": form},
        status=form_error_status(form),
    )


booking_list = booking_list_view(
    app="artists", bookings=selectors.artist_bookings_for_user, inbox=selectors.artist_inbox
)


def _booking(request: HttpRequest, pk: int) -> ArtistBooking:
    return selectors.artist_booking_for_user(user=authed_user(request), pk=pk)


@login_required
def booking_detail(
    request: HttpRequest, pk: int, *, form: CounterForm | None = None, status: int = 200
) -> HttpResponse:
    booking = _booking(request, pk)
    side = "organizer" if booking.organizer_id == request.user.pk else "artist"
    return render(
        request,
        "artists/booking_detail.html",
        {
            "booking": booking,
            "side": side,
            "my_turn": booking.is_open and booking.offer_by != side,
            "entries": booking_entries(booking.entries.all()),
            "counter_form": form
            or CounterForm(
                initial=CounterForm.initial_for(
                    fee_minor=booking.fee_minor,
                    deposit_minor=booking.deposit_minor,
                    currency=booking.currency,
                )
            ),
            "zone": _zone(request),
        },
        status=status,
    )


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = _booking(request, pk)
    user = cast(User, request.user)  # login_required
    form = CounterForm(request.POST) if action == "counter" else None
    steps: dict[str, Callable[[], object]] = {
        "accept": lambda: services.artist_booking_accept(actor=user, booking=booking),
        "decline": lambda: services.artist_booking_decline(actor=user, booking=booking),
        "withdraw": lambda: services.artist_booking_withdraw(actor=user, booking=booking),
        "deposit": lambda: services.artist_booking_deposit_record(
            actor=user, booking=booking, reference=request.POST.get("reference", "")
        ),
        "counter": lambda: services.artist_booking_counter(
            actor=user, booking=booking, **(form.cleaned_data if form else {})
        ),
    }
    if action not in steps:
        raise Http404(_("No such action."))
    if form is not None and not form.is_valid():
        return booking_detail(request, pk, form=form, status=400)

    def run() -> str:
        steps[action]()
        return "Done."

    return action_run(
        request,
        run,
        back=reverse("artists:booking", args=[pk]),
        error_page=lambda status: booking_detail(request, pk, form=form, status=status),
    )


@login_required
def booking_contract(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    try:
        pdf = services.artist_booking_contract(actor=authed_user(request), booking=booking)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contract-{booking.pk}.pdf"'
    return response


def gigs_ical(request: HttpRequest, slug: str) -> HttpResponse:
    """The artist's confirmed gigs; the token in the URL is the only credential."""
    token = request.GET.get("token", "")
    artist = selectors.artist_by_calendar_token(slug=slug, token=token)
    body = selectors.artist_gigs_ical(artist=artist, host=request.get_host().split(":")[0])
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
