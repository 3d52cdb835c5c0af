"""Pieces shared by back-office pages: the landing redirect and placeholder pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from core_apps.backoffice.access import staff_required


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    return redirect("manage:dashboard")


def placeholder_render(
    request: HttpRequest, *, title: str | Promise, coming: str | Promise
) -> HttpResponse:
    """A page for a back-office section that is still being built, saying what comes."""
    return render(request, "backoffice/placeholder.html", {"title": title, "coming": coming})
