"""Factories for venues and artists. Create them inside a community's schema."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.artists.models import ArtistProfile
from core_apps.venues.models import Space, Venue
from tests.factories import UserFactory

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def user_with_role(role: Role, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    user_role_grant(user=user, role=role)
    return User.objects.get(pk=user.pk)  # fresh: permission caches are per instance


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Studio {n}")
    slug = factory.Sequence(lambda n: f"studio-{n}")
    address = "Tanzstraße 1, Berlin"
    time_zone = "Europe/Berlin"

    @factory.post_generation
    def managers(self, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if create and extracted:
            self.managers.set(extracted)


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    size_m2 = 120
    capacity = 40
    floor_type = "sprung_wood"
    currency = "EUR"
    hourly_rate_minor = 3000
    minimum_minutes = 60


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArtistProfile

    name = factory.Sequence(lambda n: f"Artist {n}")
    slug = factory.Sequence(lambda n: f"artist-{n}")
    styles = ["salsa"]
    fee_currency = "EUR"
