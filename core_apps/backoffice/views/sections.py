"""Venues and artists in the back office: lists linking to their pages and
editors, and closing a venue on a day (``venue_blackout_add``, which refuses a
day with confirmed bookings)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core_apps.accounts.request import authed_user
from core_apps.artists.selectors import artists_for_staff
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


urlpatterns = [
    path("venues/", venues, name="venues"),
    path("venues/<int:pk>/blackouts/", venue_blackout, name="venue-blackout"),
    path("artists/", artists, name="artists"),
]
