"""The language switcher's target: remembers the visitor's choice, then goes back."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core_apps.accounts.services import user_language_set
from tenants.routing.language import (
    COOKIE_MAX_AGE,
    COOKIE_NAME,
    SESSION_KEY,
    language_pick,
    languages_enabled,
)

# What themes/static/themes/language.js posts when the visitor consented to
# preference cookies (the consent lives in the browser: themes/consent.js).
REMEMBER_CONSENTED = "1"


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Keep the chosen language (if the community offers it) and return to ``next``.

    The choice goes in the session. Only when the visitor consented to
    preference cookies (``remember=1``) is it also kept in a ``pista_language``
    cookie for a year; without consent any such cookie is removed. A signed-in
    member's choice is also stored as their language (for emails).
    """
    target = request.POST.get("next", "") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    enabled = languages_enabled(getattr(request, "tenant", None))
    language = language_pick([request.POST.get("language", "")], enabled)
    if language is None:
        return response
    request.session[SESSION_KEY] = language
    if request.POST.get("remember", "") == REMEMBER_CONSENTED:
        response.set_cookie(
            COOKIE_NAME,
            language,
            max_age=COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    elif COOKIE_NAME in request.COOKIES:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language, enabled=enabled)
    return response
