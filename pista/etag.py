"""``ETag`` and ``If-None-Match``: answering ``304 Not Modified`` to a client
that already holds the representation.

One helper for the API's reads (``pista.api.etag``) and the community site's
anonymous pages and feeds (``pista.pagecache``). Malformed ``If-None-Match``
headers simply don't match (Django's parser ignores what isn't an entity tag).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, set_response_etag


def response_conditional(
    request: HttpRequest, response: HttpResponse, *, etag: str | None = None
) -> HttpResponseBase:
    """``response`` with an ``ETag`` (``etag``, or a strong hash of its body when
    it has none), or ``304 Not Modified`` when the request's ``If-None-Match``
    names it. The 304 keeps the response's cookies and caching headers."""
    if etag is not None:
        response["ETag"] = etag
    elif not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response) or response
