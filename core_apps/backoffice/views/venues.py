"""Venues in the back office: the list, a venue's details, its spaces and its
weekly opening hours, and closing it on a day. Every write goes through
``core_apps.venues.services`` (``venue_create``/``venue_update``,
``space_create``/``space_update``/``space_delete``, ``venue_opening_hours_set``,
``venue_blackout_add``), which check permissions, refuse what would strand a
confirmed booking, and audit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.venues.forms import OpeningHoursForm, SpaceForm, VenueForm
from core_apps.venues.models import Space, Venue
from core_apps.venues.selectors import space_get, venue_get, venue_list
from core_apps.venues.services import (
    space_create,
    space_delete,
    space_update,
    venue_blackout_add,
    venue_create,
    venue_opening_hours_set,
    venue_update,
)
from pista.error_views import form_error_status, form_service_call
from tenants.current import community_current


class BlackoutForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Closed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)


def _status(request: HttpRequest, form: forms.BaseForm) -> int:
    return form_error_status(form) if request.method == "POST" else 200


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
        status=_status(request, form),
    )


@staff_required("venues.add_venue")
def venue_new(request: HttpRequest) -> HttpResponse:
    """A new venue, through ``venue_create``."""
    form = VenueForm(request.POST or None, initial={"time_zone": community_current().time_zone})
    if request.method == "POST" and form.is_valid():
        data = form.venue_data()
        name = str(data.pop("name"))
        venue = form_service_call(
            form,
            lambda: venue_create(
                actor=authed_user(request),
                name=name,
                managers=form.cleaned_data["managers"],
                **data,
            ),
        )
        if venue is not None:
            messages.success(request, _("%(venue)s was created.") % {"venue": venue.name})
            return redirect("manage:venue-edit", pk=venue.pk)
    return render(
        request,
        "backoffice/venues/venue_form.html",
        {"form": form, "venue": None},
        status=_status(request, form),
    )


@staff_required("venues.change_venue")
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A venue's details and managers, through ``venue_update``."""
    venue = venue_get(pk=pk)
    form = VenueForm(request.POST or None, initial=VenueForm.initial_for(venue))
    if request.method == "POST" and form.is_valid():
        form_service_call(
            form,
            lambda: venue_update(
                actor=authed_user(request),
                venue=venue,
                data=form.venue_data(),
                managers=form.cleaned_data["managers"],
            ),
        )
        if not form.errors:
            messages.success(request, _("The venue was saved."))
            return redirect("manage:venue-edit", pk=venue.pk)
    return render(
        request,
        "backoffice/venues/venue_form.html",
        {"form": form, "venue": venue, "spaces": list(venue.spaces.all())},
        status=_status(request, form),
    )


def _space_form_page(
    request: HttpRequest, *, venue: Venue, space: Space | None, form: SpaceForm
) -> HttpResponse:
    return render(
        request,
        "backoffice/venues/space_form.html",
        {"form": form, "venue": venue, "space": space},
        status=_status(request, form),
    )


@staff_required("venues.add_space")
def space_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new space of the venue, through ``space_create``."""
    venue = venue_get(pk=pk)
    initial = {"currency": community_current().currency, "minimum_minutes": 60}
    form = SpaceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.space_data()
        name = str(data.pop("name"))
        photo = form.cleaned_data.get("photo") or None
        space = form_service_call(
            form,
            lambda: space_create(
                actor=authed_user(request), venue=venue, name=name, photo=photo, **data
            ),
        )
        if space is not None:
            messages.success(request, _("%(space)s was added.") % {"space": space.name})
            return redirect("manage:venue-edit", pk=venue.pk)
    return _space_form_page(request, venue=venue, space=None, form=form)


@staff_required("venues.change_space")
def space_edit(request: HttpRequest, pk: int, space_pk: int) -> HttpResponse:
    """A space's facilities and prices, through ``space_update``."""
    venue = venue_get(pk=pk)
    space = space_get(pk=space_pk, venue=venue)
    form = SpaceForm(
        request.POST or None, request.FILES or None, initial=SpaceForm.initial_for(space)
    )
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo") or None
        form_service_call(
            form,
            lambda: space_update(
                actor=authed_user(request), space=space, data=form.space_data(), photo=photo
            ),
        )
        if not form.errors:
            messages.success(request, _("%(space)s was saved.") % {"space": space.name})
            return redirect("manage:venue-edit", pk=venue.pk)
    return _space_form_page(request, venue=venue, space=space, form=form)


@staff_required("venues.delete_space")
def space_remove(request: HttpRequest, pk: int, space_pk: int) -> HttpResponse:
    """Confirm, then delete a space through ``space_delete`` (refused while
    confirmed bookings are still to come, or with bookings on record)."""
    venue = venue_get(pk=pk)
    space = space_get(pk=space_pk, venue=venue)
    # A confirmation without fields: bound on POST, so the refusal can sit on it.
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form_service_call(form, lambda: space_delete(actor=authed_user(request), space=space))
        if not form.errors:
            messages.success(request, _("%(space)s was deleted.") % {"space": space.name})
            return redirect("manage:venue-edit", pk=venue.pk)
    return render(
        request,
        "backoffice/venues/space_delete.html",
        {"form": form, "venue": venue, "space": space},
        status=_status(request, form),
    )


@staff_required("venues.change_openinghours")
def venue_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """The weekly opening hours, per weekday, through ``venue_opening_hours_set``."""
    venue = venue_get(pk=pk)
    initial, slots = OpeningHoursForm.initial_for(list(venue.opening_hours.all()))
    form = OpeningHoursForm(request.POST or None, initial=initial, slots=slots)
    if request.method == "POST" and form.is_valid():
        form_service_call(
            form,
            lambda: venue_opening_hours_set(
                actor=authed_user(request), venue=venue, hours=form.cleaned_data["hours"]
            ),
        )
        if not form.errors:
            messages.success(request, _("The opening hours were saved."))
            return redirect("manage:venue-edit", pk=venue.pk)
    return render(
        request,
        "backoffice/venues/hours_form.html",
        {"form": form, "venue": venue},
        status=_status(request, form),
    )


urlpatterns = [
    path("", venues, name="venues"),
    path("new/", venue_new, name="venue-create"),
    path("<int:pk>/", venue_edit, name="venue-edit"),
    path("<int:pk>/blackouts/", venue_blackout, name="venue-blackout"),
    path("<int:pk>/hours/", venue_hours, name="venue-hours"),
    path("<int:pk>/spaces/new/", space_new, name="space-create"),
    path("<int:pk>/spaces/<int:space_pk>/", space_edit, name="space-edit"),
    path("<int:pk>/spaces/<int:space_pk>/delete/", space_remove, name="space-delete"),
]
