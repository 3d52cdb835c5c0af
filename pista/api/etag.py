"""``ETag`` and ``If-None-Match`` on the API's reads.

Every successful ``GET`` under ``/api/v1/`` carries a strong ``ETag`` (a hash
of the body); a request whose ``If-None-Match`` names it answers ``304 Not
Modified`` without a body, so partners polling a list or an object pay for a
body only when it changed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from pista.etag import response_conditional

API_PREFIX = "/api/v1/"


class ApiETagMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponse)
            or request.method not in ("GET", "HEAD")
            or not request.path.startswith(API_PREFIX)
            or response.status_code != 200
        ):
            return response
        return response_conditional(request, response)
