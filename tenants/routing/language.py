"""Which language a request is answered in.

In order: a ``?lang=`` in the URL, the visitor's choice from the language
switcher (kept in the session, or in the ``pista_language`` cookie when the
visitor consented to preference cookies), the browser's ``Accept-Language``,
then the community's default — each only among the languages the community
has enabled (a default that is not supported falls back to English). The
platform host offers every language in ``settings.LANGUAGES``. Malformed or
unknown codes are ignored, never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from tenants.current import language_code, languages_enabled

QUERY_PARAMETER = "lang"
SESSION_KEY = "pista_language"
COOKIE_NAME = settings.LANGUAGE_COOKIE_NAME
# The preference cookie, once the visitor consented to it, lasts a year.
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_HEADER_LENGTH = 500


def language_pick(candidates: Iterable[str], enabled: list[str]) -> str | None:
    """The first candidate (``es-AR`` matches ``es``) that is enabled."""
    for candidate in candidates:
        code = language_code(candidate)
        if code in enabled:
            return code
    return None


def request_language(request: HttpRequest) -> str:
    """The language to answer ``request`` in (see the module's docstring)."""
    enabled = languages_enabled(getattr(request, "tenant", None))
    session = getattr(request, "session", None)
    explicit = [
        request.GET.get(QUERY_PARAMETER, ""),
        session.get(SESSION_KEY, "") if session is not None else "",
        request.COOKIES.get(COOKIE_NAME, ""),
    ]
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:MAX_HEADER_LENGTH]
    accepted = [code for code, _quality in parse_accept_lang_header(header)]
    return language_pick([*explicit, *accepted], enabled) or enabled[0]


def language_names() -> dict[str, str]:
    """Each supported language's name in that language (``settings.LANGUAGES``)."""
    return dict(settings.LANGUAGES)


def language_switcher(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``language_switcher`` for the switcher in the page headers
    (``themes/includes/language_switcher.html``) where the community offers more
    than one language (every language on the platform host); empty otherwise."""
    enabled = languages_enabled(getattr(request, "tenant", None))
    if len(enabled) < 2:
        return {}
    current = translation.get_language()
    names = language_names()
    # Back to the same page, without a ``?lang=`` that would override the choice.
    query = request.GET.copy()
    query.pop(QUERY_PARAMETER, None)
    next_url = request.path + (f"?{query.urlencode()}" if query else "")
    return {
        "language_switcher": {
            "next": next_url,
            "languages": [
                {"code": code, "name": names.get(code, code), "current": code == current}
                for code in enabled
            ],
        }
    }


class CommunityLanguageMiddleware:
    """Activates :func:`request_language` for the request and names it in the
    response (``Content-Language``, ``Vary``). Replaces Django's LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
