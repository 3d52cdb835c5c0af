from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from tenants.models import Community


@pytest.fixture
def committed_a(django_db_setup, django_db_blocker) -> Iterator[Community]:
    """Community A's schema *outside* the per-test transaction, for tests whose
    threads must see committed rows. The test deletes what it created."""
    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        with schema_context(community.schema_name):
            yield community
        connection.set_schema_to_public()
        for alias in connections:
            connections[alias].close()
