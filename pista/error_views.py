"""Error pages shared by the platform and community URLconfs.

API paths get JSON; a database outage gets a plain 503 instead of a 500; a bad
request gets the community's themed 400 page.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def _error_context(request: HttpRequest) -> dict[str, object]:
    """The community (already in memory) for the themed error pages, and no page
    chrome that would query the database (menus, footer, branding)."""
    tenant = getattr(request, "tenant", None)
    community = (
        tenant if tenant is not None and tenant.schema_name != get_public_schema_name() else None
    )
    return {"community": community, "minimal_chrome": True}


def bad_request_response(request: HttpRequest, *, code: str, detail: str) -> HttpResponse:
    """400: ``{code, detail}`` on API paths, else the community's themed page.
    Rendered without context processors: it may answer before the session and
    user middleware ran."""
    if _wants_json(request):
        return JsonResponse({"code": code, "detail": detail}, status=400)
    context = {**_error_context(request), "detail": detail}
    return HttpResponse(render_to_string("400.html", context), status=400)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a suspicious or malformed request)."""
    return bad_request_response(
        request, code="bad_request", detail=gettext("The request could not be read.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError | InterfaceError):
        if _wants_json(request):
            return JsonResponse(
                {"code": "unavailable", "detail": "The service is temporarily unavailable."},
                status=503,
            )
        # No context processors: they might touch the database that is down.
        return HttpResponse(
            render_to_string("503_unavailable.html", _error_context(request)), status=503
        )
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": "An unexpected error occurred."}, status=500
        )
    return HttpResponse(render_to_string("500.html", _error_context(request)), status=500)
