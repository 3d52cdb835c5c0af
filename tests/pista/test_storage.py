from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django_tenants.files.storage import TenantFileSystemStorage
from django_tenants.utils import schema_context

from pista.storage import TenantPrivateFileSystemStorage, TenantPrivateS3Storage, TenantS3Storage


def test_default_storage_is_the_tenant_aware_one():
    assert django_settings.STORAGES["default"]["BACKEND"].endswith("TenantFileSystemStorage")


def test_files_are_stored_under_each_communitys_prefix(
    community_a, community_b, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    storage = TenantFileSystemStorage()
    with schema_context(community_a.schema_name):
        name = storage.save("flyers/party.txt", ContentFile(b"A's flyer"))
        assert storage.path(name).startswith(str(tmp_path / "alpha"))
        assert storage.exists(name)
    with schema_context(community_b.schema_name):
        assert not storage.exists(name)


def test_s3_names_are_prefixed_with_the_schema_and_cannot_escape(community_a):
    storage = TenantS3Storage(bucket_name="pista-test", location="media")
    with schema_context(community_a.schema_name):
        assert storage._normalize_name("flyers/party.png") == "media/alpha/flyers/party.png"
        with pytest.raises(SuspiciousOperation):
            storage._normalize_name("../beta/secret.pdf")


def test_private_files_live_outside_the_media_root_under_each_communitys_prefix(
    community_a, community_b, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PISTA_PRIVATE_ROOT = str(tmp_path / "private")
    storage = TenantPrivateFileSystemStorage()
    with schema_context(community_a.schema_name):
        name = storage.save("exports/a.zip", ContentFile(b"A's export"))
        assert storage.path(name).startswith(str(tmp_path / "private" / "alpha"))
        with pytest.raises(SuspiciousOperation):
            storage.path("../beta/exports/b.zip")
        with pytest.raises(NotImplementedError):
            storage.url(name)
    with schema_context(community_b.schema_name):
        assert not storage.exists(name)


def test_private_s3_names_sit_under_a_prefix_no_community_schema_can_have(community_a):
    storage = TenantPrivateS3Storage(bucket_name="pista-test")
    with schema_context(community_a.schema_name):
        assert storage._normalize_name("exports/a.zip") == "private-files/alpha/exports/a.zip"
        with pytest.raises(SuspiciousOperation):
            storage._normalize_name("../../beta/exports/b.zip")
    assert storage.default_acl == "private"
