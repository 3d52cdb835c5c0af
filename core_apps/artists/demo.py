"""Demo teachers for ``seed_demo``: accounts with the teacher role and profiles,
a teachers index page, and a few bookings with the community's owner. Idempotent."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.artists.models import ArtistBooking, ArtistProfile, TeachersIndexPage
from tenants.demo import demo_seeder
from tenants.models import Community

DEMO_TEACHERS: dict[str, list[dict[str, Any]]] = {
    "salsa": [
        {
            "name": "Lucía Mambo",
            "styles": ["salsa on2", "mambo"],
            "dance_role": "follow",
            "home_city": "Berlin",
            "languages": ["es", "en", "de"],
            "fee_workshop_minor": 25000,
        },
        {
            "name": "Diego Rueda",
            "styles": ["salsa cubana", "rueda"],
            "dance_role": "lead",
            "home_city": "Havana",
            "languages": ["es", "en"],
            "fee_workshop_minor": 30000,
        },
    ],
    "tango": [
        {
            "name": "Sofía Abrazo",
            "styles": ["tango", "vals", "milonga"],
            "dance_role": "both",
            "home_city": "Buenos Aires",
            "languages": ["es", "en"],
            "fee_weekend_minor": 120000,
        },
        {
            "name": "Mateo Ocho",
            "styles": ["tango nuevo"],
            "dance_role": "lead",
            "home_city": "Madrid",
            "languages": ["es"],
            "fee_class_minor": 9000,
        },
    ],
    "swing": [
        {
            "name": "Frankie Swingout",
            "styles": ["lindy hop", "shag"],
            "dance_role": "both",
            "home_city": "London",
            "languages": ["en"],
            "fee_workshop_minor": 20000,
        },
        {
            "name": "Ella Charleston",
            "styles": ["solo jazz", "charleston"],
            "dance_role": "follow",
            "home_city": "Stockholm",
            "languages": ["en", "sv"],
            "fee_class_minor": 7000,
        },
    ],
}


def _teacher(community: Community, spec: dict[str, Any], index: int) -> ArtistProfile:
    from allauth.account.models import EmailAddress

    from tenants.demo import DEMO_PASSWORD

    email = f"teacher{index + 1}@{community.slug}.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name=str(spec["name"])
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )
    user_role_grant(user=user, role=Role.TEACHER)
    user_role_grant(user=user, role=Role.MEMBER)
    profile = ArtistProfile.objects.filter(user=user).first()
    if profile is None:
        from django.utils.text import slugify

        profile = ArtistProfile.objects.create(
            user=user,
            slug=slugify(str(spec["name"])),
            bio=f"<p>{spec['name']} teaches {', '.join(spec['styles'])} around the world.</p>",
            fee_currency=community.currency,
            levels=["beginner", "intermediate", "advanced"],
            **spec,
        )
    return profile


def _index_page() -> None:
    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is None or TeachersIndexPage.objects.exists():
        return
    home.add_child(instance=TeachersIndexPage(title="Teachers", slug="teachers"))


@demo_seeder
def artists_demo_seed(community: Community) -> None:
    specs = DEMO_TEACHERS.get(community.slug, DEMO_TEACHERS["salsa"])
    profiles = [_teacher(community, spec, index) for index, spec in enumerate(specs)]
    _index_page()
    owner = User.objects.filter(groups__name=Role.OWNER).order_by("pk").first()
    teacher = profiles[0].user  # every demo profile has its user (``_teacher``)
    if owner is None or teacher is None or ArtistBooking.objects.exists():
        return
    from core_apps.artists.services import (
        artist_booking_accept,
        artist_booking_counter,
        artist_booking_request,
    )

    zone = ZoneInfo(community.time_zone)
    next_saturday = timezone.now().astimezone(zone).date() + timedelta(days=14)
    next_saturday += timedelta(days=(5 - next_saturday.weekday()) % 7)
    start = datetime.combine(next_saturday, time(11), tzinfo=zone)
    confirmed = artist_booking_request(
        organizer=owner,
        artist=profiles[0],
        title=f"{community.name} weekender",
        starts_at=start,
        ends_at=start + timedelta(hours=30),
        fee_minor=60000,
        currency=community.currency,
        deposit_minor=15000,
        wanted="Three workshops",
        travel_terms="Train tickets refunded",
        accommodation_terms="Hotel, two nights",
    )
    countered = artist_booking_counter(
        actor=teacher,
        booking=confirmed,
        fee_minor=70000,
        currency=community.currency,
        message="Three workshops and a show",
    )
    artist_booking_accept(actor=owner, booking=countered)
    artist_booking_request(
        organizer=owner,
        artist=profiles[1],
        title="Monthly masterclass",
        starts_at=start + timedelta(days=28),
        ends_at=start + timedelta(days=28, hours=3),
        fee_minor=15000,
        currency=community.currency,
        wanted="One masterclass",
    )
