"""Isolation between two communities, across ORM, HTTP, cache and Celery."""

from __future__ import annotations

from django.core.cache import cache
from django_tenants.utils import schema_context
from wagtail.models import Page

from cms.models import HomePage, StandardPage
from core_apps.accounts.models import User
from tests.factories import PASSWORD, UserFactory


def test_user_of_a_cannot_log_in_on_bs_host(community_a, community_b, client_a, client_b):
    with schema_context(community_a.schema_name):
        UserFactory(email="only-in-a@example.org")
    credentials = {"login": "only-in-a@example.org", "password": PASSWORD}

    assert client_a.post("/accounts/login/", credentials).status_code == 302
    assert "_auth_user_id" in client_a.session

    response = client_b.post("/accounts/login/", credentials)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client_b.session
    assert b"not correct" in response.content


def test_session_of_a_replayed_on_bs_host_is_anonymous(community_a, client_a, client_b):
    with schema_context(community_a.schema_name):
        UserFactory(email="replay@example.org")
    client_a.post("/accounts/login/", {"login": "replay@example.org", "password": PASSWORD})
    session_cookie = client_a.cookies["sessionid"].value
    client_b.cookies["sessionid"] = session_cookie
    response = client_b.get("/cms/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_data_created_in_a_is_invisible_in_b_by_orm(community_a, community_b):
    with schema_context(community_a.schema_name):
        UserFactory(email="private@example.org")
        assert User.objects.filter(email="private@example.org").exists()
    with schema_context(community_b.schema_name):
        assert not User.objects.filter(email="private@example.org").exists()


def test_page_published_in_a_is_not_served_on_bs_host(community_a, client_a, client_b):
    with schema_context(community_a.schema_name):
        home = HomePage.objects.get()
        page = StandardPage(
            title="Secret milonga", slug="secret-milonga", body=[("rich_text", "<p>Hidden</p>")]
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        assert Page.objects.filter(slug="secret-milonga").exists()

    assert client_a.get("/secret-milonga/").status_code == 200
    response = client_b.get("/secret-milonga/")
    assert response.status_code == 404
    assert b"Secret milonga" not in response.content


def test_cache_value_set_under_a_is_a_miss_under_b(community_a, community_b):
    with schema_context(community_a.schema_name):
        cache.set("greeting", "hola from A", 60)
        assert cache.get("greeting") == "hola from A"
    with schema_context(community_b.schema_name):
        assert cache.get("greeting") is None
        cache.set("greeting", "hallo from B", 60)
    with schema_context(community_a.schema_name):
        assert cache.get("greeting") == "hola from A"


def test_an_email_confirmation_key_from_b_cannot_verify_an_address_in_a(
    community_a, community_b, client_a
):
    """Keys are per community: B's key for address #n never confirms A's address #n
    (a signed key over the row id alone would, as both schemas count from 1)."""
    from allauth.account.models import EmailAddress, get_emailconfirmation_model

    with schema_context(community_b.schema_name):
        b_user = UserFactory(email="b-member@example.org", verified=False)
        b_address = EmailAddress.objects.create(user=b_user, email=b_user.email, verified=False)
        confirmation = get_emailconfirmation_model().create(b_address)
        if hasattr(confirmation, "save"):
            confirmation.save()
        key = confirmation.key
    with schema_context(community_a.schema_name):
        a_user = UserFactory(email="a-victim@example.org", verified=False)
        EmailAddress.objects.create(
            pk=b_address.pk, user=a_user, email=a_user.email, verified=False
        )

    client_a.post(f"/accounts/confirm-email/{key}/")
    with schema_context(community_a.schema_name):
        assert not EmailAddress.objects.get(pk=b_address.pk).verified
