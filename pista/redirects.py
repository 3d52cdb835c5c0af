"""Where a ``next=`` parameter may send the browser: only back to this host.

Login, logout, sign-up, the code of conduct and every other page that honours
``next`` use ``redirect_target_safe``: a relative path on the current host, or
an absolute URL of the current host itself. Other hosts (another community on
the same platform included), scheme-relative ``//evil.example``, backslash
tricks (``/\\evil.example``), ``javascript:`` and control characters are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseGone, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import RedirectView


def redirect_target_safe(url: str | None, *, request: HttpRequest) -> bool:
    """Whether ``url`` stays on ``request``'s own host (and scheme, over HTTPS)."""
    if not url or any(ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def redirect_target(request: HttpRequest, *candidates: str | None, default: str) -> str:
    """The first candidate that is a safe redirect target, else ``default``."""
    for candidate in candidates:
        if candidate and redirect_target_safe(candidate, request=request):
            return candidate
    return default


class MovedPermanently(RedirectView):
    """A page that moved for good: 301 for reads, 308 for writes (a browser
    repeats a POST, body included, at the new address only after a 308)."""

    permanent = True
    query_string = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        url = self.get_redirect_url(*args, **kwargs)
        if url is None:
            return HttpResponseGone()
        response = HttpResponsePermanentRedirect(url)
        response.status_code = 308
        return response


def moved_permanently(pattern_name: str) -> Callable[..., HttpResponseBase]:
    """A view redirecting for good to the URL named ``pattern_name`` (same arguments)."""
    return MovedPermanently.as_view(pattern_name=pattern_name)
