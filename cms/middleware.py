"""Wagtail's redirects, only where Wagtail's tables exist (community schemas),
and a clear answer to members who open the Wagtail admin."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from pista.error_views import application_error_response
from pista.errors import PermissionDenied


class CommunityRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if connection.schema_name == get_public_schema_name():
            return response
        return super().process_response(request, response)


class AdminAccessMiddleware:
    """A signed-in member without access to the Wagtail admin who opens
    ``/cms/`` gets a clear 403 page, instead of Wagtail's redirect to the login
    page, which sends a signed-in user straight back (a redirect loop)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/cms/")
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            return application_error_response(
                request,
                PermissionDenied(
                    _(
                        "Your account cannot open the site editor. Ask the community's "
                        "owner for access if you need it."
                    ),
                    code="admin_access_denied",
                ),
            )
        return self.get_response(request)
