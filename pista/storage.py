"""Storages that keep every community's files under its own prefix; the
public media ones refuse an uploaded file that would take the community past
its plan's storage (``pista.billing_hooks.LIMIT_STORAGE_MB``).

Only files people upload (``UploadedFile``) are refused: what the platform
writes itself (image renditions for a visitor's page, data exports owed to a
member, a restored backup) counts towards the usage but is never refused."""

from __future__ import annotations

import math
import os
import posixpath
import shutil
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django_tenants.files.storage import TenantFileSystemStorage as BaseTenantFileSystemStorage
from storages.backends.s3 import S3Storage
from storages.utils import safe_join

from pista.billing_hooks import LIMIT_STORAGE_MB, plan_limit_check
from pista.tenancy import current_schema, in_public_schema

MB = 1024 * 1024


def storage_used_mb(*, used_bytes: int | None = None, **_context: Any) -> int:
    """The current community's public media, in whole MB (rounded down): the
    usage counter of the storage limit."""
    if used_bytes is None:
        from django.core.files.storage import default_storage

        used_bytes = tenant_bytes(default_storage)
    return used_bytes // MB


def tenant_bytes(storage: Storage) -> int:
    return sum(storage.size(name) for name in tenant_files(storage))


def _storage_limit_check(storage: Storage, content: File) -> None:
    """Refuse ``content`` if the community's files would pass its plan's MB.

    The counter reports the used bytes rounded down to MB, so ``adding`` is
    what makes the sum the new total rounded up: refused exactly when the new
    total exceeds the plan's MB. (Checked, not reserved: two uploads at the
    boundary can pass it together by at most one file.)"""
    if in_public_schema() or not isinstance(content, UploadedFile):
        return
    used = tenant_bytes(storage)
    total_mb = math.ceil((used + int(content.size or 0)) / MB)
    with transaction.atomic():
        plan_limit_check(LIMIT_STORAGE_MB, adding=total_mb - used // MB, used_bytes=used)


class TenantS3Storage(S3Storage):
    """Objects live at ``<location>/<schema>/<name>``; a name can't climb out of
    its community's prefix (``../other/x`` is refused)."""

    def _normalize_name(self, name: str) -> str:
        prefix = posixpath.join(self.location, current_schema())
        try:
            return safe_join(prefix, name)
        except ValueError as exc:
            raise SuspiciousOperation(f"Attempted access to {name!r} denied.") from exc

    # Public media count against the plan's storage; private files (exports) don't.
    plan_limited = True

    def _save(self, name: str, content: File) -> str:
        if self.plan_limited:
            _storage_limit_check(self, content)
        return str(super()._save(name, content))


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

    def _save(self, name: str, content: File) -> str:
        _storage_limit_check(self, content)
        return str(super()._save(name, content))


class TenantPrivateFileSystemStorage(FileSystemStorage):
    """Private files (community exports…) at ``PISTA_PRIVATE_ROOT/<schema>/<name>``.

    Never below ``MEDIA_ROOT`` and without a URL: such files are only handed out
    by views that check a signed, expiring link against the requesting user."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(base_url=None, **kwargs)

    @property  # not cached: the schema changes with the connection
    def base_location(self) -> str:
        return os.path.join(str(settings.PISTA_PRIVATE_ROOT), current_schema())

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no public URL.")


class TenantPrivateS3Storage(TenantS3Storage):
    """Private objects at ``private/<schema>/<name>`` in the bucket (no public ACL)."""

    plan_limited = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("location", settings.PISTA_PRIVATE_S3_LOCATION)
        kwargs.setdefault("default_acl", "private")
        super().__init__(**kwargs)


def tenant_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name under the current community's prefix of ``storage``."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for sub in sorted(directories):
        yield from tenant_files(storage, posixpath.join(directory, sub) if directory else sub)


def tenant_files_remove(storage: Storage) -> int:
    """Delete every file under the current community's prefix of ``storage`` (and,
    on a filesystem, the prefix directory itself); return how many files."""
    removed = 0
    for name in list(tenant_files(storage)):
        storage.delete(name)
        removed += 1
    if isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.path(""), ignore_errors=True)
    return removed
