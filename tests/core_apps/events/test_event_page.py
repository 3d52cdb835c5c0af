"""An event page that sells: a festival's schedule over its days with the
workshops its pass covers, the line-up, the venue with a map link, the ticket
table with waitlist buttons, and empty states."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django_tenants.utils import schema_context

from core_apps.artists.models import ArtistProfile
from core_apps.events.models import Event
from core_apps.events.services import event_create
from core_apps.ticketing.models import Product
from core_apps.ticketing.services import product_create, quota_create
from core_apps.venues.models import Venue
from tests.core_apps.events.factories import BERLIN, EventFactory

pytestmark = pytest.mark.django_db

START = datetime(2030, 6, 7, 20, tzinfo=BERLIN)


def _festival() -> tuple[Event, Product]:
    venue = Venue.objects.create(
        name="Camden Ballroom",
        slug="camden-ballroom",
        address="1 Dance Street\nLondon",
        latitude="51.540000",
        longitude="-0.140000",
    )
    artist = ArtistProfile.objects.create(name="Frida Segerdahl", slug="frida", is_public=True)
    festival = event_create(
        actor=None,
        title="Big weekender",
        slug="big-weekender",
        kind=Event.Kind.FESTIVAL,
        status=Event.Status.PUBLISHED,
        starts_at=START,
        ends_at=START + timedelta(hours=5),
        recurrence="FREQ=DAILY;COUNT=3",
        venue_name=venue.name,
    )
    Event.objects.filter(pk=festival.pk).update(venue_id=venue.pk, teacher_ids=[artist.pk])
    festival.refresh_from_db()
    workshops = event_create(
        actor=None,
        title="Weekender workshops",
        slug="weekender-workshops",
        kind=Event.Kind.WORKSHOP,
        status=Event.Status.PUBLISHED,
        starts_at=START + timedelta(days=1, hours=-7),
        ends_at=START + timedelta(days=1, hours=-5),
    )
    hall = quota_create(actor=None, name="Hall", size=1, event=festival)
    full = product_create(
        actor=None,
        name="Full pass",
        price_minor=12900,
        event=festival,
        covers_events=[festival, workshops],
        quotas=[hall],
        status=Product.Status.PUBLISHED,
    )
    return festival, full


def test_a_festival_page_shows_its_days_workshops_lineup_venue_and_prices(in_a, client_a):
    _festival()
    html = client_a.get("/events/big-weekender/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    when = soup.select_one(".event__when").get_text(" ", strip=True)
    assert "Jun 7" in when and "Jun 10" in when  # the whole span, to the last night's end
    days = [h.get_text(strip=True) for h in soup.select(".schedule__day")]
    assert len(days) == 3
    assert soup.find("a", string="Weekender workshops")["href"] == "/events/weekender-workshops/"
    assert soup.find("a", string="Frida Segerdahl")["href"] == "/artists/frida/"
    assert soup.find("a", string="Camden Ballroom")["href"] == "/venues/camden-ballroom/"
    osm = soup.find("a", href=lambda h: h and h.startswith("https://www.openstreetmap.org/"))
    assert "mlat=51.54" in osm["href"]
    assert "€129.00" in soup.select_one(".tickets .price").get_text()
    assert "Europe/Berlin" in html


def test_sold_out_products_offer_the_waitlist(in_a, client_a):
    from core_apps.ticketing.services import quotas_reserve

    _, full = _festival()
    quotas_reserve(quota_ids_with_counts={full.quotas.get().pk: 1}, role="")
    soup = BeautifulSoup(client_a.get("/events/big-weekender/").content, "html.parser")
    assert "Sold out" in soup.select_one(".tickets").get_text()
    assert soup.select(".tickets a.buy") == []
    waitlist = soup.select_one(".tickets a.waitlist")
    assert waitlist["href"] == f"/orders/checkout/{full.pk}/?waitlist=1"
    checkout = client_a.get(waitlist["href"])
    assert checkout.status_code == 200
    box = BeautifulSoup(checkout.content, "html.parser").find("input", {"name": "join_waitlist"})
    assert box.has_attr("checked")


def test_an_event_without_tickets_or_dates_says_what_to_do(in_a, client_a):
    EventFactory(title="Open practica", slug="open-practica")
    html = client_a.get("/events/open-practica/").content.decode()
    assert "Tickets for this event are not on sale yet." in html
    assert 'href="/events/"' in html


def test_the_event_page_never_shows_another_communitys_artists(in_a, client_a, community_b):
    with schema_context(community_b.schema_name):
        beta_artist = ArtistProfile.objects.create(
            name="Beta Star", slug="beta-star", is_public=True
        )
    with schema_context(in_a.schema_name):
        EventFactory(title="Mix", slug="mix-night", teacher_ids=[beta_artist.pk])
    html = client_a.get("/events/mix-night/").content.decode()
    assert "Beta Star" not in html


def _balanced_class(size: int) -> Product:
    from core_apps.ticketing.models import RoleMode

    event = EventFactory(title="Tango class", slug="tango-class")
    quota = quota_create(
        actor=None,
        name="Class",
        size=size,
        event=event,
        role_mode=RoleMode.LEAD_FOLLOW,
        max_difference=2,
    )
    return product_create(
        actor=None,
        name="Drop-in",
        price_minor=1500,
        event=event,
        quotas=[quota],
        status=Product.Status.PUBLISHED,
    )


def test_each_role_says_how_many_places_it_has_left(in_a, client_a):
    from core_apps.ticketing.services import quotas_reserve

    product = _balanced_class(size=20)
    quota = product.quotas.get()
    quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="follow")
    for _ in range(3):
        quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="lead")
    # 3 leads, 1 follow: leaders are at the difference of two; followers may
    # come until they lead by two (3 + 2 = 5 follows, so 4 more).
    soup = BeautifulSoup(client_a.get("/events/tango-class/").content, "html.parser")
    roles = [li.get_text(" ", strip=True) for li in soup.select(".tickets .roles li")]
    assert roles == ["Leaders: waitlist", "Followers: 4 places left"]
    [button] = soup.select(".tickets .tickets__actions a.button--quiet")
    assert button["href"] == f"/orders/checkout/{product.pk}/?role=lead&waitlist=1"


def test_a_sold_out_balanced_class_offers_a_waitlist_per_role(in_a, client_a):
    from core_apps.ticketing.services import quotas_reserve

    product = _balanced_class(size=2)
    quota = product.quotas.get()
    quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="lead")
    quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="follow")
    soup = BeautifulSoup(client_a.get("/events/tango-class/").content, "html.parser")
    assert "Sold out" in soup.select_one(".tickets").get_text()
    links = [a["href"] for a in soup.select(".tickets .tickets__actions a")]
    assert links == [
        f"/orders/checkout/{product.pk}/?role=lead&waitlist=1",
        f"/orders/checkout/{product.pk}/?role=follow&waitlist=1",
    ]
    checkout = BeautifulSoup(client_a.get(links[1]).content, "html.parser")
    assert checkout.find("input", {"name": "join_waitlist"}).has_attr("checked")
    follow = checkout.find("input", {"name": "role", "value": "follow"}) or checkout.find(
        "option", {"value": "follow"}
    )
    assert follow.has_attr("checked") or follow.has_attr("selected")
