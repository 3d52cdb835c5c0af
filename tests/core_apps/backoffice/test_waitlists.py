"""Waitlists in the back office: per product and role with places in line,
manual offers and removal through the audited services, tenant boundary."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core_apps.orders.models import WaitlistEntry
from core_apps.orders.services import waitlist_join
from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import Quota
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


@pytest.fixture
def workshop(in_a):
    quota = QuotaFactory(size=1)
    product = ProductFactory(name="Shines workshop", event=EventFactory(), quotas=[quota])
    ana = waitlist_join(product=product, name="Ana", email="ana@example.org")
    ben = waitlist_join(product=product, name="Ben", email="ben@example.org")
    return product, quota, ana, ben


def test_the_list_shows_counts_per_product_and_places_in_line(workshop, staff, client_a):
    product, _, _, _ = workshop
    overview = client_a.get("/manage/waitlists/").content.decode()
    assert "Shines workshop" in overview and f"/manage/waitlists/products/{product.pk}/" in overview
    page = client_a.get(f"/manage/waitlists/products/{product.pk}/").content.decode()
    assert page.index("Ana") < page.index("Ben") and "Offer a place" in page


def test_a_manual_offer_holds_a_place_is_audited_and_emailed(workshop, staff, client_a, mailoutbox):
    _product, quota, ana, ben = workshop
    response = client_a.post(f"/manage/waitlists/entries/{ben.pk}/offer/")
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.status == "offered" and ben.offer_expires_at is not None
    assert Quota.objects.get(pk=quota.pk).sold == 1
    entry = AuditEntry.objects.get(action="waitlist.offer")
    assert entry.actor == staff and entry.data["manual"] is True
    assert any("ben@example.org" in m.to for m in mailoutbox)
    # No place left: Ana's offer is refused with a message, nothing changes.
    refused = client_a.post(f"/manage/waitlists/entries/{ana.pk}/offer/", follow=True)
    assert "bo-message--error" in refused.content.decode()
    ana.refresh_from_db()
    assert ana.status == "waiting"
    assert AuditEntry.objects.filter(action="waitlist.offer").count() == 1


def test_removing_someone_offered_frees_the_place_and_is_audited(workshop, staff, client_a):
    _product, quota, _, ben = workshop
    client_a.post(f"/manage/waitlists/entries/{ben.pk}/offer/")
    removed = client_a.post(f"/manage/waitlists/entries/{ben.pk}/remove/")
    assert removed.status_code == 302
    ben.refresh_from_db()
    assert ben.status == "left"
    assert Quota.objects.get(pk=quota.pk).sold == 0
    assert AuditEntry.objects.get(action="waitlist.remove").data["was"] == "offered"
    again = client_a.post(f"/manage/waitlists/entries/{ben.pk}/remove/", follow=True)
    assert "no longer on the waitlist" in again.content.decode()
    assert AuditEntry.objects.filter(action="waitlist.remove").count() == 1


def test_members_cannot_offer_places(workshop, client_a, community_a):
    from tests.factories import UserFactory

    _, _, ana, _ = workshop
    login(client_a, community_a, UserFactory())
    assert client_a.post(f"/manage/waitlists/entries/{ana.pk}/offer/").status_code == 403
    ana.refresh_from_db()
    assert ana.status == "waiting"


def test_another_communitys_waitlists_are_invisible_and_unwritable(
    workshop, staff, client_b, community_b
):
    product, _, ana, _ = workshop
    with schema_context(community_b.schema_name):
        staff_b = organizer_create()
    login(client_b, community_b, staff_b)
    assert "Shines workshop" not in client_b.get("/manage/waitlists/").content.decode()
    assert client_b.get(f"/manage/waitlists/products/{product.pk}/").status_code == 404
    assert client_b.post(f"/manage/waitlists/entries/{ana.pk}/offer/").status_code == 404
    with schema_context("alpha"):
        assert WaitlistEntry.objects.get(pk=ana.pk).status == "waiting"
