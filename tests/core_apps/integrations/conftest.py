from __future__ import annotations

from collections.abc import Callable

import pytest
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.integrations.apikeys import api_key_create
from tenants.models import Community


def owner_of(community: Community) -> User:
    with schema_context(community.schema_name):
        return User.objects.get(email=f"owner@{community.slug}.example")


@pytest.fixture
def make_key(db) -> Callable[..., str]:
    """``make_key(community, "events:read,orders:read", days=None)`` → the plain key."""

    def make(community: Community, scopes: str, *, days: int | None = None, name: str = "k") -> str:
        with schema_context(community.schema_name):
            owner = User.objects.get(email=f"owner@{community.slug}.example")
            return api_key_create(actor=owner, name=name, scopes=scopes, expires_in_days=days).key

    return make


def key_header(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
