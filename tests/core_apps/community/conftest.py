"""Helpers for the community tests: members with profiles, signed-in clients."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image

from core_apps.accounts.models import User
from core_apps.community.models import CodeOfConductAcceptance
from core_apps.community.selectors.safety import code_of_conduct_current
from core_apps.community.services.profiles import profile_update
from tenants.models import Community
from tests.conftest import community_host
from tests.factories import UserFactory

MakeMember = Callable[..., User]


def member_create(
    *,
    name: str,
    styles: list[dict[str, Any]] | None = None,
    visibility: str = "members",
    **changes: Any,
) -> User:
    """A member with a dancer profile in the current schema (and the current code
    of conduct accepted, if there is one)."""
    user = UserFactory(display_name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
    profile_update(
        user=user,
        changes={
            "display_name": name,
            "styles": styles if styles is not None else [],
            "visibility": visibility,
            **changes,
        },
    )
    code = code_of_conduct_current()
    if code is not None:
        CodeOfConductAcceptance.objects.get_or_create(user=user, code=code)
    return user


@pytest.fixture
def make_member(in_a: Community) -> MakeMember:
    return member_create


def signed_in(community: Community, user: User) -> Client:
    """A client on ``community``'s host with ``user`` signed in (session in its schema)."""
    client = Client(HTTP_HOST=community_host(community))
    with schema_context(community.schema_name):
        client.force_login(user)
    connection.set_schema(community.schema_name)
    return client


def png_bytes(size: tuple[int, int] = (32, 32), *, exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (52.0, 31.0, 12.0)}  # GPS latitude
        image.save(buffer, format="JPEG", exif=data.tobytes())
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def assert_no_contact_details(text: str, *users: User) -> None:
    for user in users:
        assert user.email not in text
    assert "@example.org" not in text


def client_with_cookies_of(client: Client, community: Community) -> Client:
    """A client on ``community``'s host carrying a copy of ``client``'s cookies
    (a copy: the other host may clear the session cookie it doesn't know)."""
    other = Client(HTTP_HOST=community_host(community))
    other.cookies = copy.deepcopy(client.cookies)
    return other
