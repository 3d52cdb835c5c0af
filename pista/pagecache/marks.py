"""Which responses the page cache may keep, and for how long: views opt in.

``page_cacheable`` marks a view whose anonymous answer is the same for every
anonymous visitor of the community with the same address, language and theme;
``availability=True`` for pages that show places left, which live only
``PISTA_PAGE_CACHE_AVAILABILITY_SECONDS``. Everything else is never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http.response import HttpResponseBase

# Set on a response: "page" or "availability" (read when the page is stored).
PAGE_CACHE_ATTRIBUTE = "_pista_page_cache"
PAGE = "page"
AVAILABILITY = "availability"

View = TypeVar("View", bound=Callable[..., Any])


def response_page_cacheable(response: HttpResponseBase, *, availability: bool = False) -> None:
    """Let the page cache keep ``response`` (if it was an anonymous request's)."""
    setattr(response, PAGE_CACHE_ATTRIBUTE, AVAILABILITY if availability else PAGE)


def page_cacheable(*, availability: bool = False) -> Callable[[View], View]:
    """Decorator: the view's responses may be kept by the page cache."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            response = view(*args, **kwargs)
            response_page_cacheable(response, availability=availability)
            return response

        return wrapped  # type: ignore[return-value]

    return decorate


def response_page_cache_seconds(response: HttpResponseBase) -> int | None:
    """How long ``response`` may be kept; None when it must not be."""
    mark = getattr(response, PAGE_CACHE_ATTRIBUTE, None)
    if mark == PAGE:
        return int(settings.PISTA_PAGE_CACHE_SECONDS)
    if mark == AVAILABILITY:
        return min(
            int(settings.PISTA_PAGE_CACHE_AVAILABILITY_SECONDS),
            int(settings.PISTA_PAGE_CACHE_SECONDS),
        )
    return None
