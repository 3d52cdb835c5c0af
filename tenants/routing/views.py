"""The language switcher's target: remembers the visitor's choice, then goes back."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tenants.routing.language import (
    COOKIE_NAME,
    SESSION_KEY,
    language_pick,
    languages_enabled,
)


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Keep the chosen language (if the community offers it) and return to ``next``.

    A signed-in member's choice goes in their session; a visitor's in a
    session-length ``pista_language`` cookie, set only by this explicit click
    (a user-interface preference the visitor asked for, see docs/security.md).
    """
    target = request.POST.get("next", "") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language = language_pick(
        [request.POST.get("language", "")], languages_enabled(getattr(request, "tenant", None))
    )
    if language is None:
        return response
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = language
    else:
        response.set_cookie(
            COOKIE_NAME,
            language,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
