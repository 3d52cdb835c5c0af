"""Venues in the back office: the list, a venue's details, its spaces and its
weekly opening hours, and closing it on a day. Every write goes through
``core_apps.venues.services`` (``venue_create``/``venue_update``,
``space_create``/``space_update``/``space_deactivate``/``space_activate``/
``space_delete``, ``venue_opening_hours_set``, ``venue_blackout_add``/
``venue_blackout_remove``), which check permissions, refuse what would strand
a confirmed booking, and audit.

Staff reach every venue by permission; a venue's managers reach these pages
for their own venues only ("My venues", ``access.venue_access_required``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import (
    backoffice_staff,
    backoffice_venues,
    staff_required,
    venue_access_required,
    venue_actions,
    venues_with_actions,
)
from core_apps.venues.forms import OpeningHoursForm, SpaceForm, VenueForm
from core_apps.venues.models import Space, Venue
from core_apps.venues.selectors import space_get, venue_blackout_get, venue_blackouts_ahead
from core_apps.venues.services import (
    space_activate,
    space_create,
    space_deactivate,
    space_delete,
    space_update,
    venue_blackout_add,
    venue_blackout_remove,
    venue_create,
    venue_opening_hours_set,
    venue_update,
)
from pista.error_views import action_run, form_error_status, form_service_call
from tenants.current import community_current


class BlackoutForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Closed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)


def _status(request: HttpRequest, form: forms.BaseForm) -> int:
    return form_error_status(form) if request.method == "POST" else 200


@login_required
def venues(request: HttpRequest) -> HttpResponse:
    """Every venue for staff; "My venues" for a venue's managers (their own only)."""
    user = authed_user(request)
    listed = backoffice_venues(user)
    return render(
        request,
        "backoffice/venues.html",
        {"rows": venues_with_actions(user, listed), "staff": backoffice_staff(user)},
    )


@venue_access_required("venues.add_blackoutdate")
def venue_blackout(request: HttpRequest, venue: Venue) -> HttpResponse:
    """The venue's closed days ahead, and closing it on another."""
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
            return redirect("manage:venue-blackout", pk=venue.pk)
    return render(
        request,
        "backoffice/venue_blackout.html",
        {
            "venue": venue,
            "form": form,
            "blackouts": list(venue_blackouts_ahead(venue=venue)),
            "actions": venue_actions(authed_user(request), venue),
        },
        status=_status(request, form),
    )


@require_POST
@venue_access_required("venues.delete_blackoutdate")
def venue_blackout_reopen(request: HttpRequest, venue: Venue, blackout_pk: int) -> HttpResponse:
    """Open the venue again on one of its closed days, through ``venue_blackout_remove``."""
    blackout = venue_blackout_get(venue=venue, pk=blackout_pk)

    def reopen() -> str:
        venue_blackout_remove(actor=authed_user(request), blackout=blackout)
        return _("%(venue)s is open again on %(day)s.") % {
            "venue": venue.name,
            "day": date_format(blackout.date, "DATE_FORMAT"),
        }

    return action_run(request, reopen, back=reverse("manage:venue-blackout", args=[venue.pk]))


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


@venue_access_required("venues.change_venue")
def venue_edit(request: HttpRequest, venue: Venue) -> HttpResponse:
    """A venue's details, through ``venue_update``; its managers too, for staff."""
    user = authed_user(request)
    form = VenueForm(
        request.POST or None,
        initial=VenueForm.initial_for(venue),
        with_managers=user.has_perm("venues.change_venue"),
    )
    if request.method == "POST" and form.is_valid():
        form_service_call(
            form,
            lambda: venue_update(
                actor=user,
                venue=venue,
                data=form.venue_data(),
                managers=form.managers_chosen(),
            ),
        )
        if not form.errors:
            messages.success(request, _("The venue was saved."))
            return redirect("manage:venue-edit", pk=venue.pk)
    return render(
        request,
        "backoffice/venues/venue_form.html",
        {
            "form": form,
            "venue": venue,
            "spaces": list(venue.spaces.all()),
            "actions": venue_actions(user, venue),
        },
        status=_status(request, form),
    )


def _space_form_page(
    request: HttpRequest, *, venue: Venue, space: Space | None, form: SpaceForm
) -> HttpResponse:
    return render(
        request,
        "backoffice/venues/space_form.html",
        {
            "form": form,
            "venue": venue,
            "space": space,
            "actions": venue_actions(authed_user(request), venue),
        },
        status=_status(request, form),
    )


@venue_access_required("venues.add_space")
def space_new(request: HttpRequest, venue: Venue) -> HttpResponse:
    """A new space of the venue, through ``space_create``."""
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


@venue_access_required("venues.change_space")
def space_edit(request: HttpRequest, venue: Venue, space_pk: int) -> HttpResponse:
    """A space's facilities and prices, through ``space_update``."""
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


@require_POST
@venue_access_required("venues.change_space")
def space_availability(
    request: HttpRequest, venue: Venue, space_pk: int, active: bool
) -> HttpResponse:
    """Deactivate a space (``space_deactivate``: off the public pages, no new
    requests, its bookings kept) or reactivate it (``space_activate``)."""
    space = space_get(pk=space_pk, venue=venue)

    def run() -> str:
        if active:
            space_activate(actor=authed_user(request), space=space)
            return _("%(space)s takes requests again.") % {"space": space.name}
        space_deactivate(actor=authed_user(request), space=space)
        return _("%(space)s is deactivated: it takes no new requests.") % {"space": space.name}

    return action_run(request, run, back=reverse("manage:venue-edit", args=[venue.pk]))


@venue_access_required("venues.delete_space")
def space_remove(request: HttpRequest, venue: Venue, space_pk: int) -> HttpResponse:
    """Confirm, then delete a space through ``space_delete`` (refused while
    confirmed bookings are still to come, or with bookings on record)."""
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


@venue_access_required("venues.change_openinghours")
def venue_hours(request: HttpRequest, venue: Venue) -> HttpResponse:
    """The weekly opening hours, per weekday, through ``venue_opening_hours_set``."""
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
    path(
        "<int:pk>/blackouts/<int:blackout_pk>/reopen/",
        venue_blackout_reopen,
        name="venue-blackout-reopen",
    ),
    path("<int:pk>/hours/", venue_hours, name="venue-hours"),
    path("<int:pk>/spaces/new/", space_new, name="space-create"),
    path("<int:pk>/spaces/<int:space_pk>/", space_edit, name="space-edit"),
    path(
        "<int:pk>/spaces/<int:space_pk>/deactivate/",
        space_availability,
        {"active": False},
        name="space-deactivate",
    ),
    path(
        "<int:pk>/spaces/<int:space_pk>/activate/",
        space_availability,
        {"active": True},
        name="space-activate",
    ),
    path("<int:pk>/spaces/<int:space_pk>/delete/", space_remove, name="space-delete"),
]
