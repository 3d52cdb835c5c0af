"""Pieces shared by back-office pages: the landing redirect and placeholder pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import backoffice_staff, backoffice_venues


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff land on the dashboard, a venue's managers on their venues (403 for
    anyone else)."""
    user = authed_user(request)
    if backoffice_staff(user):
        return redirect("manage:dashboard")
    backoffice_venues(user)  # raises PermissionDenied for anyone who manages none
    return redirect("manage:venues")


def placeholder_render(
    request: HttpRequest, *, title: str | Promise, coming: str | Promise
) -> HttpResponse:
    """A page for a back-office section that is still being built, saying what comes."""
    return render(request, "backoffice/placeholder.html", {"title": title, "coming": coming})
