"""Errors raised by the community services (all ``ApplicationError``s)."""

from __future__ import annotations

from pista.errors import ApplicationError, Conflict, NotFound, PermissionDenied


class InvalidProfile(ApplicationError):
    default_code = "invalid_profile"


class InvalidImage(ApplicationError):
    default_code = "invalid_image"


class InvalidSearch(ApplicationError):
    default_code = "invalid_search"


class InvalidReport(ApplicationError):
    default_code = "invalid_report"


class InvalidInput(ApplicationError):
    default_code = "invalid"


class RateLimited(ApplicationError):
    default_code = "rate_limited"
    status_code = 429


class CodeOfConductRequired(PermissionDenied):
    default_code = "code_of_conduct_required"


class CannotMessage(PermissionDenied):
    """Deliberately says nothing about why (a block must stay invisible)."""

    default_code = "cannot_message"


class NotAllowed(PermissionDenied):
    default_code = "permission_denied"


class MemberNotFound(NotFound):
    default_code = "not_found"


class AlreadyExists(Conflict):
    default_code = "conflict"
