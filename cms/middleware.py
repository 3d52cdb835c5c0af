"""Wagtail's redirects, only where Wagtail's tables exist (community schemas),
and a clear answer to members who open the Wagtail admin."""

from __future__ import annotations

import re
from collections.abc import Callable

from csp.constants import NONCE, SELF
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from pista.error_views import application_error_response
from pista.errors import PermissionDenied
from pista.headers import request_csp_nonce, response_csp_replace
from pista.tenancy import in_public_schema


class CommunityRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if in_public_schema():
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


_SCRIPT_TAG = re.compile(rb"<script\b(?![^>]*\bnonce=)", re.IGNORECASE)


class AdminCSPMiddleware:
    """The Wagtail admin (``/cms/``) under a nonce-based policy.

    Wagtail writes small inline scripts into its pages (chooser and date
    widgets, the editor's bootstrapping) and into the HTML of its modal
    dialogs, which jQuery runs on insertion. Under ``/cms/`` only, every
    ``<script>`` element of an HTML page gets the request's nonce, and
    ``script-src`` becomes ``'nonce-…' 'strict-dynamic'``: the page's own
    scripts run, scripts those create run (the modals' code), and nothing
    else — no host allow-list, no ``'unsafe-inline'``, no ``eval``, no inline
    event handlers. The rest of the policy stays the site's. See
    docs/security.md.

    Sits after ``csp.middleware.CSPMiddleware`` in MIDDLEWARE, so that its
    changes are made before the header is written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/cms/"):
            return response
        response_csp_replace(response, {"script-src": [NONCE, "'strict-dynamic'", SELF]})
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not response.streaming:
            nonce = request_csp_nonce(request)
            response.content = _SCRIPT_TAG.sub(
                b'<script nonce="' + nonce.encode("ascii") + b'"', response.content
            )
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
