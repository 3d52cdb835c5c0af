"""The application's error hierarchy.

Services raise these; one DRF exception handler and one HTML error path turn
them into a 4xx response carrying ``code`` and ``detail``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.utils.translation import gettext


class ApplicationError(Exception):
    """A domain error the caller can show to a user."""

    default_code = "error"
    status_code = 400

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class NotFound(ApplicationError):
    default_code = "not_found"
    status_code = 404


class PermissionDenied(ApplicationError):
    default_code = "permission_denied"
    status_code = 403


class Conflict(ApplicationError):
    default_code = "conflict"
    status_code = 409


def unknown_fields_refuse(names: Iterable[str], known: Collection[str]) -> None:
    """Raise ApplicationError naming the ``names`` that are not ``known`` fields."""
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ApplicationError(
            gettext("Unknown fields: %(unknown)s.") % {"unknown": ", ".join(unknown)},
            code="unknown_fields",
        )
