"""Artists in the back office: the list linking to their pages, and creating
and editing artist profiles (``artist_profile_create`` /
``artist_profile_update``, audited there). Venues are in ``venues``."""

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
from core_apps.artists.services import artist_profile_create, artist_profile_update
from core_apps.backoffice.access import staff_required
from pista.error_views import form_error_status, form_service_call


@staff_required()
def artists(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/artists.html", {"artists": list(artists_for_staff())})


class StaffArtistForm(ArtistProfileForm):
    is_public = forms.BooleanField(label=gettext_lazy("Public"), required=False, initial=True)


@staff_required("artists.change_artistprofile")
def artist_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new artist profile, or one to change, through the artists' services."""
    profile = get_object_or_404(ArtistProfile, pk=pk) if pk is not None else None
    form = StaffArtistForm(
        request.POST or None,
        request.FILES or None,
        initial=StaffArtistForm.initial_for(profile) if profile else {},
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
    path("artists/", artists, name="artists"),
    path("artists/new/", artist_edit, name="artist-create"),
    path("artists/<int:pk>/", artist_edit, name="artist-edit"),
]
