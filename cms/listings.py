"""Listings that other apps provide to the CMS (upcoming events, teachers, venues).

An app registers a provider in its ``AppConfig.ready``::

    from cms.listings import listing_provider_register
    listing_provider_register(kind="events", provider=upcoming_events_for_cms)

A provider takes ``count`` and returns up to that many ``ListingItem``s, read in
the current community's schema. Kinds with no provider list nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ListingItem:
    title: str
    url: str
    subtitle: str = ""
    image_url: str = ""
    kicker: str = ""  # a short label above the title ("Festival", "Teacher")


ListingProvider = Callable[[int], list[ListingItem]]
_PROVIDERS: dict[str, ListingProvider] = {}


def listing_provider_register(*, kind: str, provider: ListingProvider) -> None:
    _PROVIDERS[kind] = provider


def listing_items(*, kind: str, count: int) -> list[ListingItem]:
    provider = _PROVIDERS.get(kind)
    return provider(count)[:count] if provider else []
