"""Which language a request is answered in.

In order: a ``?lang=`` in the URL, the visitor's choice from the language
switcher (the session of a signed-in member, or the ``pista_language`` cookie
that the switcher sets only when the visitor clicks it), the browser's
``Accept-Language``, then the community's default — each only among the
languages the community has enabled. The platform host offers every language
in ``settings.LANGUAGES``. Malformed or unknown codes are ignored, never an
error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from django_tenants.utils import get_public_schema_name

QUERY_PARAMETER = "lang"
SESSION_KEY = "pista_language"
COOKIE_NAME = "pista_language"
MAX_HEADER_LENGTH = 500


def languages_supported() -> list[str]:
    """The codes Pista is translated into (``settings.LANGUAGES``)."""
    return [code for code, _name in settings.LANGUAGES]


def languages_enabled(community: object | None) -> list[str]:
    """The community's enabled languages, its default first; all on the platform host."""
    supported = languages_supported()
    if community is None or getattr(community, "schema_name", "") == get_public_schema_name():
        return supported
    default = _code(getattr(community, "language", "")) or settings.LANGUAGE_CODE
    chosen = [_code(code) for code in getattr(community, "languages", None) or []]
    enabled = [code for code in [default, *chosen] if code in supported]
    return list(dict.fromkeys(enabled)) or [settings.LANGUAGE_CODE]


def language_pick(candidates: Iterable[str], enabled: list[str]) -> str | None:
    """The first candidate (``es-AR`` matches ``es``) that is enabled."""
    for candidate in candidates:
        code = _code(candidate)
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


def _code(value: str) -> str:
    """``es-AR`` / ``es_AR`` / ``ES`` → ``es``; anything that isn't a code → ``""``."""
    base = str(value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base.isalpha() and 2 <= len(base) <= 3 else ""


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
