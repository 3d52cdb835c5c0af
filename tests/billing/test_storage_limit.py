"""The plan's storage limit on uploads: an uploaded file that would take the
community's public media past the plan's MB is refused with the upgrade
message; another community's files never count; files the platform writes
itself (renditions, exports) count but are never refused."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from billing.models import Plan
from billing.services.plans import plan_assign
from pista.billing_hooks import PlanLimitReached
from pista.storage import tenant_files

pytestmark = pytest.mark.django_db


def upload(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("flyer.bin", b"x" * size)


@pytest.fixture
def media(settings, tmp_path, plans):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PISTA_PRIVATE_ROOT = str(tmp_path / "private")
    Plan.objects.filter(slug="free").update(max_storage_mb=1)


def test_an_upload_past_the_plans_storage_is_refused_with_the_upgrade(
    media, a_on_free, plans, community_a, community_b
):
    plan_assign(community=community_b, plan=plans["free"], check_fit=False)
    with schema_context(community_a.schema_name):
        default_storage.save("flyers/a.bin", upload(600_000))
        with pytest.raises(PlanLimitReached) as refused:
            default_storage.save("flyers/b.bin", upload(600_000))
        assert "storage" in refused.value.message and "Upgrade to Pro" in refused.value.message
        # Up to the last byte of the MB is allowed.
        default_storage.save("flyers/c.bin", upload(1024 * 1024 - 600_000))
        assert sorted(tenant_files(default_storage)) == ["flyers/a.bin", "flyers/c.bin"]
        # What the platform writes itself is never refused: a rendition, an export.
        default_storage.save("images/a.rendition.bin", ContentFile(b"x" * 100_000))
        storages["private"].save("exports/all.zip", ContentFile(b"x" * 2_000_000))
        with pytest.raises(PlanLimitReached):
            default_storage.save("flyers/d.bin", upload(1))
    with schema_context(community_b.schema_name):
        # A's full MB is A's: B stores its own.
        default_storage.save("flyers/b.bin", upload(600_000))


def test_an_upgrade_lifts_the_storage_limit_at_once(media, a_on_free, plans, community_a):
    with schema_context(community_a.schema_name):
        default_storage.save("a.bin", upload(1_000_000))
        with pytest.raises(PlanLimitReached):
            default_storage.save("b.bin", upload(100_000))
    plan_assign(community=community_a, plan=plans["pro"])
    with schema_context(community_a.schema_name):
        default_storage.save("b.bin", upload(100_000))
