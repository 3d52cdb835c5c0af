"""A cached page: what of a rendered response may be stored, and how a stored
page becomes a response again.

Two things in a page belong to one response only, and are swapped on the way
in and out:

- **the CSP nonce.** The body is stored with the nonce it was rendered with;
  each response from the cache gets a fresh nonce, in the body and (through
  ``CSPMiddleware``, which runs after) in the header. The old nonce is random
  and unknown to whoever wrote the page's content, so it can only match where
  the template put it.
- **the CSRF token** of forms (the language switcher, contact forms). Django's
  tokens are the visitor's secret, masked: they are replaced by a random
  placeholder, and each response from the cache gets a token of its visitor's
  own secret (from their CSRF cookie, or a new one with its cookie), as Django
  would have given. A page with a token of the secret anywhere else is not
  stored.

Entity tags: a hash of the stored body. A page with forms adds a digest of the
visitor's CSRF secret (its tokens change when the secret does); a page with a
nonce has none — a 304 would keep the old body with its old nonce under the
new response's policy.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# ``_unmask_cipher_token``: Django's own unmasking (private, not in the stubs):
# the safety check below must read tokens exactly as Django does.
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CsrfViewMiddleware,
    _unmask_cipher_token,
    get_token,
)
from django.urls import ResolverMatch
from django.utils.cache import cc_delim_re

from pista.headers import request_csp_nonce, request_csp_nonce_issued, response_policies_overridden
from pista.pagecache.marks import response_page_cache_seconds

# What ``{% csrf_token %}`` writes (django.template.defaulttags.CsrfTokenNode).
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
# Anything that could be a masked CSRF token (checked against the secret).
_TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Response headers that are per response, set again when a stored page is served.
_NOT_STORED = frozenset({"content-length", "etag", "set-cookie"})
# The request headers a page may vary on: the page key carries the language,
# and only requests without cookies of their own are served from the cache.
_VARY_ALLOWED = frozenset({"accept-language", "cookie"})
_NO_STORE = ("private", "no-store", "no-cache")


@dataclass(frozen=True)
class PageEntry:
    """One stored page, valid while its community's generation is ``generation``.
    Changing its fields: bump ``pista.pagecache.store.KEY_VERSION``."""

    generation: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    # The nonce the body was rendered with, swapped for each response's own.
    nonce: bytes | None
    # The placeholder standing for CSRF tokens, swapped for the visitor's token.
    csrf: bytes | None
    # Digest of the body, for ETags (None when the body carries a nonce).
    digest: str | None
    # The URL pattern the page came from (metrics label cached responses by it).
    view_name: str
    route: str
    # When it expires (epoch seconds) and how long it took to render: see
    # entry_refresh_due.
    expires_at: float
    render_seconds: float


def _cacheable_headers(response: HttpResponse) -> bool:
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    control = response.get("Cache-Control", "").lower()
    return vary <= _VARY_ALLOWED and not any(word in control for word in _NO_STORE)


def _csrf_placeheld(body: bytes, secret: str) -> tuple[bytes, bytes] | None:
    """The body with its form tokens replaced by a placeholder, and the
    placeholder; None when a token of ``secret`` remains elsewhere."""
    placeholder = secrets.token_hex(16).encode()
    body = _CSRF_INPUT.sub(lambda m: m[1] + placeholder + m[3], body)
    for match in _TOKEN_LIKE.finditer(body):
        if _unmask_cipher_token(match[0].decode()) == secret:
            return None
    return body, placeholder


def entry_from_response(
    request: HttpRequest, response: HttpResponse, *, generation: str, render_seconds: float
) -> tuple[PageEntry, int] | None:
    """The storable page of ``response`` to an anonymous ``GET``, and how many
    seconds it may live; None when the response must not be stored: not marked
    cacheable (``pista.pagecache.marks``), not a plain 200, setting cookies
    (but CSRF's), private or varying on more than language and cookies,
    carrying policy exceptions, or touching the session or a signed-in user."""
    seconds = response_page_cache_seconds(response)
    if seconds is None or response.status_code != 200:
        return None
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if (
        set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        or not _cacheable_headers(response)
        or response_policies_overridden(response)
        or (session is not None and session.modified)
        or (user is not None and user.is_authenticated)
    ):
        return None
    body = response.content
    csrf = None
    # Issuing a CSRF token makes CsrfViewMiddleware (inside this one) set the cookie.
    if settings.CSRF_COOKIE_NAME in response.cookies:
        secret = str(request.META.get("CSRF_COOKIE") or "")
        placeheld = _csrf_placeheld(body, secret) if secret else None
        if placeheld is None:
            return None
        body, csrf = placeheld
    nonce = request_csp_nonce_issued(request)
    match = request.resolver_match
    entry = PageEntry(
        generation=generation,
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in _NOT_STORED
        ),
        body=body,
        nonce=nonce.encode() if nonce else None,
        csrf=csrf,
        digest=None if nonce else _body_digest(body, csrf),
        view_name=match.view_name if match else "",
        route=match.route if match else "",
        expires_at=time.time() + seconds,
        render_seconds=render_seconds,
    )
    return entry, seconds


def entry_refresh_due(entry: PageEntry) -> bool:
    """Whether this request should render the page again although it has not
    expired yet. The closer the expiry and the longer a render takes, the
    likelier ("probabilistic early expiration"): so one request renders it
    again while the others are still served, instead of every request that
    comes in while it renders, once it has expired. Event pages, which live
    seconds, are renewed without a burst of renders at 500 requests a second."""
    # Exponentially distributed: -log(u) for u in (0, 1]; not a secret.
    wait = -math.log(1.0 - random.random())  # noqa: S311
    return time.time() + entry.render_seconds * wait >= entry.expires_at


def _body_digest(body: bytes, placeholder: bytes | None) -> str:
    # Without the (random) placeholder: the same page stored twice has one tag.
    content = body.replace(placeholder, b"") if placeholder else body
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def entry_etag(request: HttpRequest, entry: PageEntry) -> str | None:
    """The entity tag of ``entry`` as served to ``request`` (after its CSRF
    token was issued): strong for bodies served byte for byte, weak where a
    token was swapped in, with a digest of the visitor's secret."""
    if entry.digest is None:
        return None
    if entry.csrf is None:
        return f'"{entry.digest}"'
    secret = str(request.META.get("CSRF_COOKIE") or "")
    visitor = hashlib.blake2b(secret.encode(), digest_size=6).hexdigest()
    return f'W/"{entry.digest}-{visitor}"'


def _cached_page(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    """Stands for the view of a page served from the cache (``resolver_match``)."""
    raise NotImplementedError


# Reads the visitor's CSRF cookie and sets it on the response, as Django does
# for a rendered page (it keeps no state of its own between requests).
_CSRF = CsrfViewMiddleware(_cached_page)


def entry_response(request: HttpRequest, entry: PageEntry) -> HttpResponse:
    """``entry`` as the response to ``request``: a fresh CSP nonce, the
    visitor's CSRF token (and cookie), and the route noted for metrics."""
    body = entry.body
    if entry.nonce:
        body = body.replace(entry.nonce, request_csp_nonce(request).encode("ascii"))
    if entry.csrf:
        _CSRF.process_request(request)  # the visitor's secret, from their cookie
        body = body.replace(entry.csrf, get_token(request).encode("ascii"))
    response = HttpResponse(body)
    for name, value in entry.headers:
        response.headers[name] = value
    response["Content-Length"] = str(len(body))
    if entry.csrf:
        _CSRF.process_response(request, response)  # the CSRF cookie, as Django sets it
    if entry.view_name:
        request.resolver_match = ResolverMatch(
            _cached_page, (), {}, url_name=entry.view_name, route=entry.route
        )
    return response
