"""Venues and artists in the back office: lists linking to their pages and
editors, closing a venue on a day (``venue_blackout_add``, which refuses a
day with confirmed bookings), and creating and editing artist profiles
(``artist_profile_create`` / ``artist_profile_update``, audited there)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core_apps.accounts.request import authed_user
from core_apps.artists.forms import ArtistProfileForm
from core_apps.artists.models import ArtistProfile
from core_apps.artists.selectors import artists_for_staff
from core_apps.artists.services import (
    PROFILE_FIELDS,
    artist_profile_create,
    artist_profile_update,
)
from core_apps.backoffice.access import staff_required
from core_apps.venues.selectors import venue_get, venue_list
from core_apps.venues.services import venue_blackout_add
from pista.error_views import form_error_status, form_service_call


class BlackoutForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Closed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)


@staff_required()
def venues(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/venues.html",
        {"venues": list(venue_list().prefetch_related("blackout_dates")), "form": BlackoutForm()},
    )


@staff_required("venues.add_blackoutdate")
def venue_blackout(request: HttpRequest, pk: int) -> HttpResponse:
    venue = venue_get(pk=pk)
    form = BlackoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form_service_call(
            form,
            lambda: venue_blackout_add(
                actor=authed_user(request),
                venue=venue,
                day=form.cleaned_data["day"],
                reason=form.cleaned_data["reason"],
            ),
            field="day",
        )
        if not form.errors:
            messages.success(request, _("%(venue)s is closed on that day.") % {"venue": venue})
            return redirect("manage:venues")
    return render(
        request,
        "backoffice/venue_blackout.html",
        {"venue": venue, "form": form},
        status=form_error_status(form) if request.method == "POST" else 200,
    )


@staff_required()
def artists(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/artists.html", {"artists": list(artists_for_staff())})


class StaffArtistForm(ArtistProfileForm):
    is_public = forms.BooleanField(label=gettext_lazy("Public"), required=False, initial=True)


def _artist_initial(profile: ArtistProfile) -> dict[str, object]:
    initial: dict[str, object] = {field: getattr(profile, field) for field in PROFILE_FIELDS}
    for key in ("styles", "levels", "languages", "links"):
        initial[key] = ", ".join(initial[key])  # type: ignore[arg-type]
    return initial


@staff_required("artists.change_artistprofile")
def artist_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new artist profile, or one to change, through the artists' services."""
    profile = get_object_or_404(ArtistProfile, pk=pk) if pk is not None else None
    form = StaffArtistForm(
        request.POST or None,
        request.FILES or None,
        initial=_artist_initial(profile) if profile else {},
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.profile_data()
        photo = form.cleaned_data.get("photo") or None
        actor = authed_user(request)
        if profile is None:
            name = str(data.pop("name"))
            form_service_call(
                form,
                lambda: artist_profile_create(actor=actor, name=name, photo=photo, **data),
            )
        else:
            existing = profile
            form_service_call(
                form,
                lambda: artist_profile_update(
                    actor=actor, profile=existing, data=data, photo=photo
                ),
            )
        if not form.errors:
            messages.success(request, _("The artist profile was saved."))
            return redirect("manage:artists")
    return render(
        request,
        "backoffice/artist_form.html",
        {"form": form, "profile": profile},
        status=form_error_status(form) if request.method == "POST" else 200,
    )


urlpatterns = [
    path("venues/", venues, name="venues"),
    path("venues/<int:pk>/blackouts/", venue_blackout, name="venue-blackout"),
    path("artists/", artists, name="artists"),
    path("artists/new/", artist_edit, name="artist-create"),
    path("artists/<int:pk>/", artist_edit, name="artist-edit"),
]
