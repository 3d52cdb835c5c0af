"""The welcome link after signup: once, for the new owner only, within minutes,
and never from a token signed with a published key."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import (
    LOGIN_TOKEN_MAX_AGE_S,
    LOGIN_TOKEN_SALT,
    login_token_issue,
    user_role_grant,
)
from core_apps.accounts.tasks import signup_verification_email_send_task
from pista.outbox.models import OutboxMessage
from pista.outbox.services import outbox_sweep
from pista.secret_key import DEVELOPMENT_SECRET_KEY
from tests.factories import UserFactory
from tests.tenants.test_signup import signup_data


@pytest.fixture
def new_owner(community_a) -> User:
    """An owner of community A created a moment ago, as signup creates one."""
    with schema_context(community_a.schema_name):
        user = UserFactory(email="founder@alpha.example")
        user_role_grant(user=user, role=Role.OWNER)
    return user


def welcome(client: Client, token: str):
    return client.get(f"/welcome/{token}/")


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def assert_refused(response, client: Client) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert signed_in_as(client) is None


def test_the_welcome_link_signs_the_new_owner_in_once(client_a, community_a, new_owner):
    token = login_token_issue(schema=community_a.schema_name, email=new_owner.email)
    assert welcome(client_a, token).status_code == 302
    assert signed_in_as(client_a) == str(new_owner.pk)

    # Used up in the database, not only in the cache (which may be flushed).
    cache.clear()
    other = Client(HTTP_HOST=client_a.defaults["HTTP_HOST"])
    assert_refused(welcome(other, token), other)
    # A second token for the same account is refused too: it has signed in.
    again = login_token_issue(schema=community_a.schema_name, email=new_owner.email)
    assert_refused(welcome(other, again), other)


def test_a_token_signed_with_the_published_development_key_signs_nobody_in(
    client_a, community_a, new_owner
):
    assert settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY
    with schema_context(community_a.schema_name):
        new_owner.refresh_from_db()
    forged = signing.dumps(
        {
            "schema": community_a.schema_name,
            "user": new_owner.pk,
            "email": new_owner.email,
            "joined": new_owner.date_joined.isoformat(),
            "nonce": "x" * 16,
        },
        key=DEVELOPMENT_SECRET_KEY,
        salt=LOGIN_TOKEN_SALT,
        compress=True,
    )
    assert_refused(welcome(client_a, forged), client_a)


def test_the_old_email_only_token_shape_signs_nobody_in(client_a, community_a, new_owner):
    # Before, a token named only an address: any active user's could be forged.
    old_shape = signing.dumps(
        {"schema": community_a.schema_name, "email": new_owner.email, "nonce": "n" * 16},
        salt=LOGIN_TOKEN_SALT,
        compress=True,
    )
    assert_refused(welcome(client_a, old_shape), client_a)


def test_a_member_cannot_be_signed_in_by_a_welcome_token(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory()
    token = login_token_issue(schema=community_a.schema_name, email=member.email)
    assert_refused(welcome(client_a, token), client_a)


def test_an_owner_who_joined_long_ago_cannot_be_signed_in_by_a_welcome_token(client_a, community_a):
    # Even with a leaked key, the community's long-standing owner is out of reach.
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        User.objects.filter(pk=owner.pk).update(
            last_login=None, date_joined=timezone.now() - timedelta(hours=1)
        )
    token = login_token_issue(schema=community_a.schema_name, email=owner.email)
    assert_refused(welcome(client_a, token), client_a)


def test_a_token_for_another_account_joined_at_another_time_is_refused(
    client_a, community_a, new_owner
):
    token = login_token_issue(schema=community_a.schema_name, email=new_owner.email)
    with schema_context(community_a.schema_name):
        # The account was deleted and another created with the same address.
        User.objects.filter(pk=new_owner.pk).update(
            date_joined=timezone.now() - timedelta(seconds=5)
        )
    assert_refused(welcome(client_a, token), client_a)


def test_an_expired_welcome_link_signs_nobody_in(client_a, community_a, new_owner, monkeypatch):
    issued_at = time.time() - LOGIN_TOKEN_MAX_AGE_S - 5

    class Earlier:
        @staticmethod
        def time() -> float:
            return issued_at

    monkeypatch.setattr(signing, "time", Earlier)
    token = login_token_issue(schema=community_a.schema_name, email=new_owner.email)
    monkeypatch.undo()
    assert_refused(welcome(client_a, token), client_a)


def test_a_tampered_welcome_link_signs_nobody_in(client_a, community_a, new_owner):
    token = login_token_issue(schema=community_a.schema_name, email=new_owner.email)
    for bad in [token[:-2] + "xx", "x" * 40, token.replace(":", "", 1)]:
        assert_refused(welcome(client_a, bad), client_a)


def test_the_signup_welcome_link_survives_nothing_but_its_first_use(platform_client):
    welcome_url = platform_client.post("/start/", signup_data())["Location"]
    path = welcome_url.split(":8000")[1]
    first = Client(HTTP_HOST="kizomba.localhost")
    first.get(path)
    with schema_context("kizomba"):
        owner = User.objects.get(email="founder@example.org")
    assert signed_in_as(first) == str(owner.pk)

    cache.clear()
    second = Client(HTTP_HOST="kizomba.localhost")
    assert_refused(second.get(path), second)


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_verification_email_is_retried_until_the_mail_server_takes_it(
    client_a, community_a, new_owner, settings, django_capture_on_commit_callbacks
):
    with schema_context(community_a.schema_name):
        EmailAddress.objects.update_or_create(
            user=new_owner, email=new_owner.email, defaults={"primary": True, "verified": False}
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    token = login_token_issue(schema=community_a.schema_name, email=new_owner.email)

    with django_capture_on_commit_callbacks(execute=True):
        response = welcome(client_a, token)

    # The mail server being down doesn't stand between the owner and their site.
    assert response.status_code == 302 and response["Location"] == "/onboarding/"
    assert signed_in_as(client_a) == str(new_owner.pk)
    with schema_context(community_a.schema_name):
        message = OutboxMessage.objects.get(task=signup_verification_email_send_task.name)
        assert (message.status, message.attempts) == ("pending", 1)

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert outbox_sweep() == 1
        assert outbox_sweep() == 0
    assert [sent.to for sent in mail.outbox] == [[new_owner.email]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
