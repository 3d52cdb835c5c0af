"""Demo events and catalogue for the demo communities (``seed_demo``).

Idempotent: each block is keyed by its event's slug and skipped when that
event exists. Dates start next week, so the demo always has upcoming events.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from core_apps.events.models import DanceStyle, Event, Level
from core_apps.events.services import event_create, taxonomy_defaults_ensure
from core_apps.ticketing.models import BalancePolicy, Product, RoleMode
from core_apps.ticketing.services import (
    attendee_question_add,
    price_tier_add,
    product_create,
    quota_create,
)
from tenants.demo import demo_seeder
from tenants.models import Community

PUBLISHED = Event.Status.PUBLISHED
ON_SALE = Product.Status.PUBLISHED


def _next_week(community: Community, weekday: int, at: time) -> datetime:
    """Next week's ``weekday`` (0 = Monday) at ``at``, in the community's zone."""
    zone = ZoneInfo(community.time_zone)
    today = timezone.now().astimezone(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday + timedelta(days=weekday), at, tzinfo=zone)


def _style(slug: str) -> list[DanceStyle]:
    return list(DanceStyle.objects.filter(slug=slug))


def _level(slug: str) -> Level | None:
    return Level.objects.filter(slug=slug).first()


def _salsa(community: Community) -> None:
    teachers = {"beginner": "Ana & Luis", "intermediate": "Carla & Tomás", "advanced": "Yaimel"}
    for day, level in enumerate(["beginner", "intermediate", "advanced"]):
        slug = f"salsa-cubana-{level}"
        if Event.objects.filter(slug=slug).exists():
            continue
        start = _next_week(community, day, time(19, 30))
        event = event_create(
            actor=None,
            title=f"Salsa cubana — {level}",
            slug=slug,
            description=f"<p>Weekly {level} class. Leaders and followers are kept balanced.</p>",
            kind=Event.Kind.CLASS,
            status=PUBLISHED,
            level=_level(level),
            styles=_style("salsa"),
            venue_name="Studio Sabor, Kreuzberg",
            space_name="Big room",
            teacher_names=teachers[level],
            starts_at=start,
            ends_at=start + timedelta(minutes=75),
            recurrence="FREQ=WEEKLY;COUNT=12",
        )
        quota = quota_create(
            actor=None,
            name=f"{event.title}: places",
            size=24,
            event=event,
            role_mode=RoleMode.LEAD_FOLLOW,
            balance_policy=BalancePolicy.DIFFERENCE,
            max_difference=2,
            grace=4,
        )
        product_create(
            actor=None,
            name="12-week term",
            kind=Product.Kind.TICKET,
            event=event,
            price_minor=14400,
            tax_rate=Decimal("19"),
            quotas=[quota],
            status=ON_SALE,
            max_per_order=2,
        )
    if not Event.objects.filter(slug="salsa-friday-social").exists():
        start = _next_week(community, 4, time(21, 0))
        social = event_create(
            actor=None,
            title="Friday salsa social",
            slug="salsa-friday-social",
            kind=Event.Kind.SOCIAL,
            status=PUBLISHED,
            level=_level("open"),
            styles=_style("salsa") + _style("bachata"),
            venue_name="Studio Sabor, Kreuzberg",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            recurrence="FREQ=WEEKLY;COUNT=8",
        )
        hall = quota_create(actor=None, name="Social: hall", size=120, event=social)
        product_create(
            actor=None, name="Entry", event=social, price_minor=800, quotas=[hall], status=ON_SALE
        )
        pack_quota = quota_create(actor=None, name="Class packs", size=500)
        product_create(
            actor=None,
            name="10-class pack",
            kind=Product.Kind.CLASS_PACK,
            price_minor=11000,
            checkins=10,
            valid_days=120,
            quotas=[pack_quota],
            covers_events=list(Event.objects.filter(slug__startswith="salsa-cubana-")),
            status=ON_SALE,
        )


def _tango(community: Community) -> None:
    if not Event.objects.filter(slug="milonga-del-barrio").exists():
        start = _next_week(community, 5, time(21, 30))
        milonga = event_create(
            actor=None,
            title="Milonga del Barrio",
            slug="milonga-del-barrio",
            description="<p>Tandas y cortinas, DJ invitado cada mes.</p>",
            kind=Event.Kind.SOCIAL,
            status=PUBLISHED,
            level=_level("open"),
            styles=_style("tango"),
            venue_name="Salón La Esquina, Madrid",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=10",
        )
        floor = quota_create(actor=None, name="Milonga: pista", size=90, event=milonga)
        product_create(
            actor=None,
            name="Entrada",
            event=milonga,
            price_minor=1000,
            quotas=[floor],
            status=ON_SALE,
        )
    if not Event.objects.filter(slug="curso-tango-inicial").exists():
        start = _next_week(community, 1, time(20, 0))
        course = event_create(
            actor=None,
            title="Curso de tango inicial (8 semanas)",
            slug="curso-tango-inicial",
            kind=Event.Kind.COURSE,
            status=PUBLISHED,
            level=_level("beginner"),
            styles=_style("tango"),
            venue_name="Salón La Esquina, Madrid",
            teacher_names="Lucía & Martín",
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            recurrence="FREQ=WEEKLY;COUNT=8",
        )
        places = quota_create(
            actor=None,
            name="Curso: plazas",
            size=20,
            event=course,
            role_mode=RoleMode.LEAD_FOLLOW_SWITCH,
            balance_policy=BalancePolicy.RATIO,
            max_ratio=Decimal("1.2"),
            grace=2,
            couples_together=True,
        )
        product = product_create(
            actor=None,
            name="Curso completo",
            event=course,
            price_minor=12000,
            tax_rate=Decimal("21"),
            quotas=[places],
            status=ON_SALE,
        )
        attendee_question_add(
            actor=None,
            product=product,
            label="¿Vienes en pareja?",
            kind="choice",
            choices=["Sí", "No"],
            required=True,
        )


def _swing(community: Community) -> None:
    if Event.objects.filter(slug="swing-out-london-festival").exists():
        return
    start = _next_week(community, 4, time(20, 0))
    festival = event_create(
        actor=None,
        title="Swing Out London Festival",
        slug="swing-out-london-festival",
        description="<p>Three nights of parties and two days of workshops.</p>",
        kind=Event.Kind.FESTIVAL,
        status=PUBLISHED,
        styles=_style("lindy-hop"),
        venue_name="Camden Ballroom",
        starts_at=start,
        ends_at=start + timedelta(hours=5),
        recurrence="FREQ=DAILY;COUNT=3",
    )
    workshops = event_create(
        actor=None,
        title="Festival workshops",
        slug="swing-out-london-workshops",
        kind=Event.Kind.WORKSHOP,
        status=PUBLISHED,
        level=_level("intermediate"),
        styles=_style("lindy-hop"),
        venue_name="Camden Ballroom",
        space_name="Studios 1 to 3",
        teacher_names="Frida, Skye, Naomi",
        starts_at=start + timedelta(days=1, hours=-7),
        ends_at=start + timedelta(days=1, hours=-2),
        recurrence="FREQ=DAILY;COUNT=2",
    )
    hall = quota_create(actor=None, name="Ballroom capacity", size=400, event=festival)
    classes = quota_create(
        actor=None,
        name="Workshop places",
        size=160,
        event=workshops,
        role_mode=RoleMode.LEAD_FOLLOW,
        balance_policy=BalancePolicy.DIFFERENCE,
        max_difference=4,
        grace=10,
    )
    full = product_create(
        actor=None,
        name="Full pass",
        kind=Product.Kind.PASS,
        price_minor=16500,
        tax_rate=Decimal("20"),
        event=festival,
        covers_events=[festival, workshops],
        quotas=[hall, classes],
        status=ON_SALE,
        max_per_order=2,
    )
    price_tier_add(
        actor=None,
        product=full,
        name="Early bird",
        price_minor=12900,
        ends_at=start - timedelta(days=3),
        first_n=100,
    )
    party = product_create(
        actor=None,
        name="Party pass",
        kind=Product.Kind.PASS,
        price_minor=6500,
        tax_rate=Decimal("20"),
        event=festival,
        covers_events=[festival],
        quotas=[hall],
        status=ON_SALE,
    )
    price_tier_add(actor=None, product=party, name="Early bird", price_minor=4900, first_n=50)
    shirts = quota_create(actor=None, name="Festival T-shirts", size=150)
    product_create(
        actor=None,
        name="Festival T-shirt",
        kind=Product.Kind.ADDON,
        price_minor=2000,
        event=festival,
        quotas=[shirts],
        status=ON_SALE,
    )
    members = quota_create(actor=None, name="Memberships", size=1000)
    product_create(
        actor=None,
        name="Swing Out membership",
        kind=Product.Kind.MEMBERSHIP,
        price_minor=3000,
        period=Product.Period.YEAR,
        quotas=[members],
        status=ON_SALE,
    )
    crew = quota_create(actor=None, name="Crew", size=20)
    product_create(
        actor=None,
        name="Volunteer crew pass",
        kind=Product.Kind.PASS,
        price_minor=0,
        event=festival,
        covers_events=[festival, workshops],
        quotas=[crew],
        is_hidden=True,
        unlock_code="CREW2026",
        status=ON_SALE,
    )


SEEDERS = {"salsa": _salsa, "tango": _tango, "swing": _swing}


@demo_seeder
@transaction.atomic
def events_demo_seed(community: Community) -> None:
    """Styles, levels, events and what is sold for one demo community."""
    taxonomy_defaults_ensure(community)
    seeder = SEEDERS.get(community.slug)
    if seeder is not None:
        seeder(community)
