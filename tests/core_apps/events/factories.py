"""Factories for events and the catalogue. Create them inside a community's schema."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory

from core_apps.accounts.models import User
from core_apps.events.models import DanceStyle, Event, EventDate, Level
from core_apps.ticketing.models import Product, Quota

BERLIN = ZoneInfo("Europe/Berlin")


class DanceStyleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DanceStyle
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"style-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"level-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())


class EventFactory(factory.django.DjangoModelFactory):
    """A published public event with one date (use the services for series)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Salsa night {n}")
    slug = factory.Sequence(lambda n: f"salsa-night-{n}")
    kind = Event.Kind.SOCIAL
    status = Event.Status.PUBLISHED
    visibility = Event.Visibility.PUBLIC
    time_zone = "Europe/Berlin"
    starts_at = factory.Sequence(
        lambda n: datetime(2030, 1, 1, 20, tzinfo=BERLIN) + timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))

    @factory.post_generation
    def with_date(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EventDate.objects.create(
                event=self,
                starts_at=self.starts_at,
                ends_at=self.ends_at,
                original_start=self.starts_at,
            )


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    name = factory.Sequence(lambda n: f"Quota {n}")
    size = 100


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Ticket {n}")
    kind = Product.Kind.TICKET
    status = Product.Status.PUBLISHED
    price_minor = 1500
    currency = "EUR"

    @factory.post_generation
    def quotas(self, create: bool, extracted: list[Quota] | None, **kwargs: object) -> None:
        if create and extracted:
            self.quotas.set(extracted)


def organizer_create(**kwargs: object) -> User:
    """A user with the organizer role in the current community."""
    from core_apps.accounts.roles import Role
    from core_apps.accounts.services import user_role_grant
    from tests.factories import UserFactory

    user = UserFactory(**kwargs)
    user_role_grant(user=user, role=Role.ORGANIZER)
    return type(user).objects.get(pk=user.pk)  # fresh permission cache
