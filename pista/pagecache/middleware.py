"""The page cache in the request path.

Placed right after the community and the language are known
(``CommunityLanguageMiddleware``): a stored page is answered from there, and
the rest of the stack (CSRF, authentication, messages, allauth, the session
and privacy checks) and the view never run for it. Only anonymous ``GET`` and
``HEAD`` requests without a query string on a community's host take part: no
``Authorization`` header and no cookie but the CSRF and language ones (a
session cookie means a signed-in or known visitor, whose pages are theirs).

The key: schema, language, theme, scheme, host and path. One round trip reads
the community's generation and the page together; a page of an older
generation is stale. See ``docs/performance.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django_tenants.utils import get_public_schema_name

from pista.etag import response_conditional
from pista.pagecache.entry import (
    PageEntry,
    entry_etag,
    entry_from_response,
    entry_refresh_due,
    entry_response,
)
from pista.pagecache.store import (
    STORE_ERRORS,
    entry_key,
    generation_ensure,
    page_cache_on,
    store_failed,
    store_read,
    store_write,
)

CACHED_METHODS = ("GET", "HEAD")


def request_page_key(request: HttpRequest) -> str | None:
    """The page key of an anonymous request that may be served from the cache,
    else None."""
    if (
        request.method not in CACHED_METHODS
        or "HTTP_AUTHORIZATION" in request.META
        # Anyone can vary a query string at will: it must not fill the store.
        or request.META.get("QUERY_STRING")
    ):
        return None
    tenant = getattr(request, "tenant", None)
    schema = getattr(tenant, "schema_name", None)
    if not schema or schema == get_public_schema_name():
        return None
    if request.COOKIES and set(request.COOKIES) - {
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
    }:
        return None
    return entry_key(
        schema,
        "page",
        getattr(request, "LANGUAGE_CODE", ""),
        str(getattr(tenant, "theme", "")),
        request.scheme or "",
        request.get_host().lower(),
        request.path,
    )


def _served(request: HttpRequest, entry: PageEntry) -> HttpResponseBase:
    response = entry_response(request, entry)
    return _conditional(request, response, entry)


def _conditional(
    request: HttpRequest, response: HttpResponse, entry: PageEntry
) -> HttpResponseBase:
    etag = entry_etag(request, entry)
    return response if etag is None else response_conditional(request, response, etag=etag)


class PageCacheMiddleware:
    """Answers anonymous page requests from the page cache, and stores the
    pages views mark cacheable (``pista.pagecache.marks``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = request_page_key(request) if page_cache_on() else None
        if key is None:
            return self.get_response(request)
        schema = request.tenant.schema_name  # type: ignore[attr-defined]
        try:
            generation, entry = store_read(schema, key)
            if (
                generation
                and isinstance(entry, PageEntry)
                and entry.generation == generation
                and not entry_refresh_due(entry)
            ):
                return _served(request, entry)
            # Read before rendering: an invalidation meanwhile makes this page stale.
            generation = generation_ensure(schema, generation)
        except STORE_ERRORS as exc:
            store_failed(exc)
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        if request.method != "GET" or not isinstance(response, HttpResponse):
            return response
        stored = entry_from_response(
            request, response, generation=generation, render_seconds=time.monotonic() - started
        )
        if stored is None:
            return response
        entry, seconds = stored
        try:
            store_write(schema, key, entry, timeout=seconds)
        except STORE_ERRORS as exc:
            store_failed(exc)
        return _conditional(request, response, entry)
