"""Ask signed-in members again when a new policy version is published (or
after they withdrew their acceptance) before they use the member pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from pista.tenancy import in_public_schema

# Account, privacy and back-office pages stay reachable: a member must be able
# to read the policies, sign out, export their data or delete their account.
EXEMPT_PREFIXES = (
    "/privacy/",
    "/accounts/",
    "/static/",
    "/media/",
    "/api/",
    "/cms/",
    "/admin/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/internal/",
)


class PolicyRepromptMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not in_public_schema()
        ):
            from core_apps.privacy.selectors import policies_pending_ids

            if policies_pending_ids(user=user):
                return HttpResponseRedirect(
                    f"/privacy/accept/?next={quote(request.get_full_path())}"
                )
        return self.get_response(request)
