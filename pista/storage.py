"""Storages that keep every community's files under its own prefix."""

from __future__ import annotations

import posixpath
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django_tenants.files.storage import TenantFileSystemStorage as BaseTenantFileSystemStorage
from storages.backends.s3 import S3Storage
from storages.utils import safe_join

from pista.tenancy import current_schema


class TenantS3Storage(S3Storage):
    """Objects live at ``<location>/<schema>/<name>``; a name can't climb out of
    its community's prefix (``../other/x`` is refused)."""

    def _normalize_name(self, name: str) -> str:
        prefix = posixpath.join(self.location, current_schema())
        try:
            return safe_join(prefix, name)
        except ValueError as exc:
            raise SuspiciousOperation(f"Attempted access to {name!r} denied.") from exc


class TenantFileSystemStorage(BaseTenantFileSystemStorage):
    """django-tenants' filesystem storage (``MEDIA_ROOT/<schema>/<name>``) that
    also forgets its cached media root and URL when ``MEDIA_ROOT`` or ``MEDIA_URL``
    change: the parent ignores those settings once its first file was stored, so
    an overridden ``MEDIA_ROOT`` (tests, management commands) would go unheeded."""

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL", "MULTITENANT_RELATIVE_MEDIA_ROOT"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)
