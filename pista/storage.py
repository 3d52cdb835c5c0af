"""S3 storage that keeps every community's files under its own prefix."""

from __future__ import annotations

import posixpath

from django.core.exceptions import SuspiciousOperation
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
