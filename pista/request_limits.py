"""Requests refused before any view reads them: bodies too large, and
parameters with characters no parameter needs.

**Size.** Request bodies too large to read are refused before anything reads them.

Django enforces ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when form data is parsed;
the API's JSON parser reads the raw stream, which Django does not limit. This
middleware answers 413 to a declared body over the limit before any view,
parser or middleware reads it: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for JSON and
forms, ``PISTA_MAX_UPLOAD_BYTES`` for multipart uploads (files stream to disk
and are checked again by ``pista.images``). API paths get ``{code, detail}``.

**Characters.** A NUL in a parameter that reaches SQL is refused by PostgreSQL
(an error, then a 500 or 503), and other control characters only serve to
smuggle. ``RequestCharactersMiddleware`` answers 400 ``invalid_characters``
(JSON on API paths, the community's themed 400 page elsewhere) when the path,
the query string or a urlencoded form body holds any of them once decoded;
JSON bodies are checked by the API's parser (``pista.api.parsers``) and
multipart text fields by Django's and DRF's character fields, which refuse NUL.
Tab, line feed and carriage return stay allowed (text areas).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from pista.error_views import bad_request_response

API_PREFIX = "/api/"
# C0 control characters but tab, line feed and carriage return; and DEL.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORBIDDEN_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def request_too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    detail = gettext("The request body is larger than %(limit)s KiB.") % {"limit": limit // 1024}
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "request_too_large", "detail": detail}, status=413)
    return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may declare."""
    if request.content_type == "multipart/form-data":
        return int(settings.PISTA_MAX_UPLOAD_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(gettext("Invalid Content-Length."), status=400)
        limit = body_limit(request)
        if limit and declared > limit:
            return request_too_large_response(request, limit)
        return self.get_response(request)


def request_characters_forbidden(request: HttpRequest) -> bool:
    """True when the path, the query string or a urlencoded body decodes to a
    forbidden character."""
    if FORBIDDEN_CHARACTERS.search(request.path_info):
        return True
    query = request.META.get("QUERY_STRING", "")
    if query and FORBIDDEN_BYTES.search(unquote_to_bytes(query)):
        return True
    # Bounded by RequestSizeLimitMiddleware, which runs first; CSRF reads the
    # form anyway, from the same body.
    if request.content_type == FORM_CONTENT_TYPE and request.method not in ("GET", "HEAD"):
        return bool(FORBIDDEN_BYTES.search(unquote_to_bytes(request.body)))
    return False


class RequestCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_characters_forbidden(request):
            return bad_request_response(
                request,
                code="invalid_characters",
                detail=gettext("The request contains NUL or other control characters."),
            )
        return self.get_response(request)
