from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from core_apps.accounts.models import User
from tenants.models import Community, SpareSchema
from tenants.provisioning.services import CommunityTaken, community_create
from tenants.provisioning.spares import (
    spare_schemas_discard_stale,
    spare_schemas_refill,
    template_version,
)
from tenants.provisioning.template import schema_constraints, template_schema_name


def test_signup_renames_a_spare_schema_instead_of_cloning(db):
    assert spare_schemas_refill(target_size=1) == 1
    spare = SpareSchema.objects.get()
    assert schema_exists(spare.schema_name)

    community_create(
        slug="pooled", name="Pooled Club", owner_email="p@x.example", owner_password="x" * 12
    )

    assert not SpareSchema.objects.exists()
    assert not schema_exists(spare.schema_name)
    assert schema_exists("pooled")
    assert schema_constraints("pooled") == schema_constraints(template_schema_name())
    with schema_context("pooled"):
        assert User.objects.filter(email="p@x.example").exists()
    assert Community.objects.get(slug="pooled").schema_name == "pooled"


def test_failed_signup_gives_the_spare_back(db, community_a):
    spare_schemas_refill(target_size=1)
    spare_name = SpareSchema.objects.get().schema_name
    with pytest.raises(CommunityTaken, match="already taken"):
        community_create(slug="alpha", name="Dup", owner_email="d@x.example")
    assert SpareSchema.objects.get().schema_name == spare_name
    assert schema_exists(spare_name)


def test_spares_from_an_older_template_are_discarded_not_used(db):
    spare_schemas_refill(target_size=1)
    SpareSchema.objects.update(template_version="older")
    stale_name = SpareSchema.objects.get().schema_name

    assert spare_schemas_discard_stale() == 1
    assert not schema_exists(stale_name)
    assert spare_schemas_refill(target_size=1) == 1
    assert SpareSchema.objects.get().template_version == template_version()
    connection.set_schema_to_public()
