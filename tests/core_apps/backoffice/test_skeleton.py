"""The back office's chrome, doors and old addresses."""

from __future__ import annotations

import pytest

from tests.core_apps.events.factories import organizer_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAV_PAGES = [
    "/manage/dashboard/",
    "/manage/events/",
    "/manage/catalogue/",
    "/manage/orders/",
    "/manage/promo-codes/",
    "/manage/waitlists/",
    "/manage/checkin/",
    "/manage/payments/",
    "/manage/venues/",
    "/manage/artists/",
]


@pytest.fixture
def organizer_client(in_a, client_a):
    client_a.force_login(organizer_create())
    return client_a


@pytest.mark.parametrize("path", ["/manage/", *NAV_PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(in_a, client_a, path):
    response = client_a.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", NAV_PAGES)
def test_members_are_refused(in_a, client_a, path):
    client_a.force_login(UserFactory())
    assert client_a.get(path).status_code == 403


def test_every_navigation_entry_opens_a_page_in_the_one_chrome(organizer_client):
    home = organizer_client.get("/manage/")
    assert home.status_code == 302 and home["Location"] == "/manage/dashboard/"
    for path in NAV_PAGES:
        response = organizer_client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "backoffice/backoffice.css" in page, path
        for other in NAV_PAGES:
            assert f'href="{other}"' in page, (path, other)
        assert 'href="/cms/"' in page and 'aria-current="page"' in page
        # CSP: no inline styles or scripts in the chrome.
        assert "<script>" not in page and "style=" not in page, path


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/events/manage/", "/manage/events/"),
        ("/events/manage/new/", "/manage/events/new/"),
        ("/events/manage/7/", "/manage/events/7/"),
        ("/events/manage/dates/7/cancel/", "/manage/events/dates/7/cancel/"),
        ("/tickets/manage/", "/manage/catalogue/"),
        ("/tickets/manage/products/new/", "/manage/catalogue/products/new/"),
        ("/tickets/manage/products/3/", "/manage/catalogue/products/3/"),
        ("/tickets/manage/quotas/new/", "/manage/catalogue/quotas/new/"),
        ("/tickets/manage/quotas/3/", "/manage/catalogue/quotas/3/"),
    ],
)
def test_the_old_staff_addresses_redirect_for_good(organizer_client, old, new):
    response = organizer_client.get(old + "?page=2")
    assert response.status_code == 301
    assert response["Location"] == new + "?page=2"


def test_an_old_action_address_keeps_the_post_at_the_new_one(organizer_client):
    for old, new in [
        ("/events/manage/5/publish/", "/manage/events/5/publish/"),
        ("/tickets/manage/products/5/archive/", "/manage/catalogue/products/5/archive/"),
    ]:
        response = organizer_client.post(old)
        assert response.status_code == 308  # a 301 would turn the POST into a GET
        assert response["Location"] == new


def test_the_back_office_of_one_community_is_not_opened_by_staff_of_another(
    community_a, community_b, client_b
):
    from django_tenants.utils import schema_context

    from tests.conftest import login

    with schema_context(community_a.schema_name):
        organizer = organizer_create(email="org-a@example.org")
    # A's session means nothing on B's host: B asks for a sign-in.
    login(client_b, community_a, organizer)
    response = client_b.get("/manage/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
