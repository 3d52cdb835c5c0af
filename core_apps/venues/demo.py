"""Demo venues for ``seed_demo``: two venues with spaces, prices, opening hours and
bookings (one confirmed, one recurring term awaiting approval), named locally
where the community has local names. Idempotent."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.venues.models import OpeningHours, Space, SpaceBooking, Venue
from tenants.demo import demo_seeder
from tenants.models import Community

DEMO_VENUES: list[dict[str, Any]] = [
    {
        "slug": "studio-central",
        "name": "Studio Central",
        "address": "Hauptstraße 12",
        "latitude": Decimal("52.520008"),
        "longitude": Decimal("13.404954"),
        "house_rules": "Dance shoes only on the sprung floor. Quiet after 23:00.",
        "spaces": [
            {
                "name": "Big Hall",
                "size_m2": 220,
                "capacity": 90,
                "floor_type": "sprung_wood",
                "mirrors": True,
                "sound_system": True,
                "air_conditioning": True,
                "step_free_access": True,
                "hourly_rate_minor": 6000,
                "peak_hourly_rate_minor": 8000,
                "peak_starts": time(18),
                "peak_ends": time(22),
                "peak_weekdays": [0, 1, 2, 3, 4],
                "minimum_minutes": 120,
                "setup_minutes": 15,
                "teardown_minutes": 15,
            },
            {
                "name": "Mirror Room",
                "size_m2": 80,
                "capacity": 25,
                "floor_type": "marley",
                "mirrors": True,
                "sound_system": True,
                "hourly_rate_minor": 2500,
                "minimum_minutes": 60,
                "auto_approve": True,
            },
        ],
    },
    {
        "slug": "old-ballroom",
        "name": "The Old Ballroom",
        "address": "Am Park 3",
        "latitude": Decimal("52.507511"),
        "longitude": Decimal("13.390235"),
        "house_rules": "No outdoor shoes on the parquet.",
        "spaces": [
            {
                "name": "Ballroom",
                "size_m2": 400,
                "capacity": 250,
                "floor_type": "parquet",
                "sound_system": True,
                "step_free_access": False,
                "hourly_rate_minor": 12000,
                "minimum_minutes": 180,
                "setup_minutes": 60,
                "teardown_minutes": 60,
            },
        ],
    },
]


# The Madrid tango community's venues are in Madrid and speak Spanish.
LOCAL_VENUES: dict[str, dict[str, dict[str, Any]]] = {
    "tango": {
        "studio-central": {
            "name": "Estudio Central",
            "address": "Calle de Atocha 12, Madrid",
            "latitude": Decimal("40.412776"),
            "longitude": Decimal("-3.703790"),
            "house_rules": "Solo zapatos de baile en la pista. Silencio a partir de las 23:00.",
            "spaces": {"Big Hall": "Sala grande", "Mirror Room": "Sala de espejos"},
        },
        "old-ballroom": {
            "name": "El Viejo Salón",
            "address": "Calle del Prado 3, Madrid",
            "latitude": Decimal("40.414510"),
            "longitude": Decimal("-3.697870"),
            "house_rules": "Nada de calzado de calle sobre el parqué.",
            "spaces": {"Ballroom": "Salón de baile"},
        },
    },
}


def _venues_for(community: Community) -> list[dict[str, Any]]:
    """The demo venues, with the community's local names where it has them."""
    local = LOCAL_VENUES.get(community.slug, {})
    venues = []
    for spec in DEMO_VENUES:
        override = dict(local.get(spec["slug"], {}))
        space_names = override.pop("spaces", {})
        spaces = [
            {**space, "name": space_names.get(space["name"], space["name"])}
            for space in spec["spaces"]
        ]
        venues.append({**spec, **override, "spaces": spaces})
    return venues


def _space_name(community: Community, venue_slug: str, name: str) -> str:
    return (
        LOCAL_VENUES.get(community.slug, {}).get(venue_slug, {}).get("spaces", {}).get(name, name)
    )


def _manager(community: Community) -> User:
    from allauth.account.models import EmailAddress

    from tenants.demo import DEMO_PASSWORD

    email = f"venues@{community.slug}.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name="Venue manager"
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )
    user_role_grant(user=user, role=Role.VENUE_MANAGER)
    user_role_grant(user=user, role=Role.MEMBER)
    return user


@demo_seeder
def venues_demo_seed(community: Community) -> None:
    manager = _manager(community)
    for spec in _venues_for(community):
        values = {k: v for k, v in spec.items() if k not in {"slug", "spaces"}}
        venue, created = Venue.objects.get_or_create(
            slug=spec["slug"], defaults={**values, "time_zone": community.time_zone}
        )
        venue.managers.add(manager)
        if created:
            for weekday in range(7):
                OpeningHours.objects.create(
                    venue=venue, weekday=weekday, opens=time(9), closes=time(23, 30)
                )
        for space_spec in spec["spaces"]:
            Space.objects.get_or_create(
                venue=venue,
                name=space_spec["name"],
                defaults={**space_spec, "currency": community.currency},
            )
    owner = User.objects.filter(groups__name=Role.OWNER).order_by("pk").first()
    if owner is None or SpaceBooking.objects.exists():
        return
    from core_apps.venues.services import space_booking_approve, space_booking_request

    zone = ZoneInfo(community.time_zone)
    today = timezone.now().astimezone(zone).date()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    hall = Space.objects.get(
        venue__slug="studio-central", name=_space_name(community, "studio-central", "Big Hall")
    )
    first = datetime.combine(tuesday, time(19), tzinfo=zone)
    term = space_booking_request(
        requester=owner,
        space=hall,
        title="Beginners term",
        starts_at=first,
        ends_at=first + timedelta(hours=2),
        rrule="FREQ=WEEKLY;COUNT=10",
    )
    space_booking_approve(actor=manager, booking=term[0])
    saturday = datetime.combine(tuesday + timedelta(days=4), time(20), tzinfo=zone)
    space_booking_request(
        requester=owner,
        space=Space.objects.get(
            venue__slug="old-ballroom", name=_space_name(community, "old-ballroom", "Ballroom")
        ),
        title="Gala social",
        starts_at=saturday,
        ends_at=saturday + timedelta(hours=3, minutes=30),
    )
