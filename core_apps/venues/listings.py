"""What the venues app lists on a community's home page (``cms.listings``)."""

from __future__ import annotations

from django.urls import reverse

from cms.listings import ListingItem, listing_provider_register
from core_apps.venues.selectors import venue_list


def venues_listing(count: int) -> list[ListingItem]:
    venues = venue_list()[:count]
    return [
        ListingItem(
            title=venue.name,
            url=reverse("venues:venue", args=[venue.slug]),
            subtitle=" ".join(venue.address.split()),
        )
        for venue in venues
    ]


listing_provider_register(kind="venues", provider=venues_listing)
