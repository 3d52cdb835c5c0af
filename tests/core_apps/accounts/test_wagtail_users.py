"""Wagtail's user editor cannot change who an account belongs to: an admin
changing another user's email could take the account over by resetting its
password. People change their own address through allauth, which verifies it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from core_apps.accounts.models import User
from core_apps.accounts.wagtail_users import PistaUserEditForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(in_a):
    return User.objects.get(email="owner@alpha.example")


def test_wagtail_users_runs_with_the_editor_that_keeps_emails():
    config = apps.get_app_config("wagtailusers")
    assert config.user_viewset == "core_apps.accounts.wagtail_users.PistaUserViewSet"


def test_an_email_posted_to_the_user_editor_is_ignored(owner):
    unbound = PistaUserEditForm(instance=owner)
    data = {
        name: unbound[name].value() for name in unbound.fields if unbound[name].value() is not None
    }
    data.update(first_name="Olga", last_name="Owner", email="attacker@example.org")
    form = PistaUserEditForm(data=data, instance=owner)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "owner@alpha.example"
    form.save()
    owner.refresh_from_db()
    assert owner.email == "owner@alpha.example"


def test_the_user_edit_page_shows_the_email_read_only(client_a, owner):
    admin = User.objects.create_user(email="admin@alpha.example", password="x" * 20)
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    client_a.force_login(admin)
    response = client_a.get(reverse("wagtailusers_users:edit", args=[owner.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    email_input = html[html.index('name="email"') - 300 : html.index('name="email"') + 300]
    assert "disabled" in email_input
