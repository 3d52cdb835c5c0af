from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

from pista.storage import TenantS3Storage


def test_files_are_stored_under_each_communitys_prefix(
    community_a, community_b, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(community_a.schema_name):
        name = default_storage.save("flyers/party.txt", ContentFile(b"A's flyer"))
        assert default_storage.path(name).startswith(str(tmp_path / "alpha"))
        assert default_storage.exists(name)
    with schema_context(community_b.schema_name):
        assert not default_storage.exists(name)


def test_s3_names_are_prefixed_with_the_schema_and_cannot_escape(community_a):
    storage = TenantS3Storage(bucket_name="pista-test", location="media")
    with schema_context(community_a.schema_name):
        assert storage._normalize_name("flyers/party.png") == "media/alpha/flyers/party.png"
        with pytest.raises(SuspiciousOperation):
            storage._normalize_name("../beta/secret.pdf")
