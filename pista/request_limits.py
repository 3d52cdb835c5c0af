"""Request bodies too large to read are refused before anything reads them.

Django enforces ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when form data is parsed;
the API's JSON parser reads the raw stream, which Django does not limit. This
middleware answers 413 to a declared body over the limit before any view,
parser or middleware reads it: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for JSON and
forms, ``PISTA_MAX_UPLOAD_BYTES`` for multipart uploads (files stream to disk
and are checked again by ``pista.images``). API paths get ``{code, detail}``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


def request_too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    detail = f"The request body is larger than {limit // 1024} KiB."
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
            return HttpResponse("Invalid Content-Length.", status=400)
        limit = body_limit(request)
        if limit and declared > limit:
            return request_too_large_response(request, limit)
        return self.get_response(request)
