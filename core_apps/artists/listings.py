"""What the artists app lists on a community's home page (``cms.listings``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cms.listings import ListingItem, listing_provider_register
from core_apps.artists.selectors import artist_list


def featured_artists_listing(count: int) -> list[ListingItem]:
    """Public artist profiles, those with a photo first."""
    profiles = artist_list().order_by("-photo", "name")[:count]
    return [
        ListingItem(
            title=profile.name,
            url=reverse("artists:artist", args=[profile.slug]),
            subtitle=", ".join(str(style) for style in (profile.styles or [])[:3]),
            image_url=profile.photo.url if profile.photo else "",
            kicker=_("Artist"),
        )
        for profile in profiles
    ]


listing_provider_register(kind="teachers", provider=featured_artists_listing)
