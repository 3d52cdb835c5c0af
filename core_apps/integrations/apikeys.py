"""API keys: created by owners and admins, shown once, stored hashed.

A key reads ``pista_<prefix>_<secret>``. The prefix (10 hex digits) finds the
row; the SHA-256 of the whole key must match its ``secret_hash`` (the secret
carries 256 random bits, so a fast hash is enough and lookups stay cheap).
Keys live in each community's schema: a key of one community is unknown on
another's host.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_roles
from core_apps.integrations import scopes as api_scopes
from core_apps.integrations.models import ApiKey
from core_apps.privacy.services.audit import audit_record
from pista.billing_hooks import FEATURE_API_ACCESS, plan_feature_require
from pista.errors import ApplicationError, NotFound, PermissionDenied

KEY_START = "pista_"
NAME_MAX_LENGTH = 100
MAX_EXPIRY_DAYS = 3650
# last_used_at is written at most this often per key (one UPDATE, not one per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyInvalidInput(ApplicationError):
    default_code = "api_key_invalid_input"


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: ``key`` is shown once and never again."""

    api_key: ApiKey
    key: str


def _may_manage(user: Any) -> bool:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user_roles(user=user) & {Role.OWNER, Role.ADMIN})


def api_keys_manage_check(*, actor: Any) -> None:
    """Raises PermissionDenied unless ``actor`` is an owner or admin."""
    if not _may_manage(actor):
        raise PermissionDenied(_("Only the community's owners and admins manage API keys."))


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix of a key in the documented format, else None."""
    if not key.startswith(KEY_START):
        return None
    parts = key[len(KEY_START) :].split("_", 1)
    if len(parts) != 2 or len(parts[0]) != 10 or not parts[1]:
        return None
    return parts[0]


@transaction.atomic
def api_key_create(
    *,
    actor: User,
    name: str,
    scopes: list[str] | str,
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
) -> NewApiKey:
    """Create a key acting as ``actor`` with ``scopes``; the returned ``key``
    is the only copy of the secret. Raises PermissionDenied (not an owner or
    admin), PlanLimitReached (the plan has no API access) and ApiKeyInvalidInput
    (empty name, unknown scopes, bad expiry)."""
    api_keys_manage_check(actor=actor)
    plan_feature_require(FEATURE_API_ACCESS)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiKeyInvalidInput(_("Give the key a name of 1 to 100 characters."))
    try:
        cleaned = api_scopes.scopes_clean(scopes)
    except ValueError as exc:
        raise ApiKeyInvalidInput(
            _("Choose at least one known scope (unknown: %(scopes)s).") % {"scopes": exc}
            if str(exc)
            else _("Choose at least one scope.")
        ) from exc
    now = timezone.now()
    expires_at: datetime | None = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise ApiKeyInvalidInput(_("A key expires after 1 to 3650 days."))
        expires_at = now + timedelta(days=expires_in_days)
    prefix = secrets.token_hex(5)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        secret_hash=key_hash(key),
        scopes=cleaned,
        created_by=actor,
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        "api_key.create",
        actor=actor,
        target=api_key,
        request=request,
        data={"name": name, "prefix": prefix, "scopes": cleaned},
    )
    return NewApiKey(api_key=api_key, key=key)


@transaction.atomic
def api_key_revoke(*, actor: User, key_id: int, request: HttpRequest | None = None) -> ApiKey:
    """Revoke a key at once (its next request answers 401). Raises
    PermissionDenied and NotFound."""
    api_keys_manage_check(actor=actor)
    api_key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
    if api_key is None:
        raise NotFound(_("No such API key."))
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(
            "api_key.revoke",
            actor=actor,
            target=api_key,
            request=request,
            data={"name": api_key.name, "prefix": api_key.prefix},
        )
    return api_key


def api_keys_listed(*, actor: User) -> QuerySet[ApiKey]:
    """The community's keys, newest first. Raises PermissionDenied."""
    api_keys_manage_check(actor=actor)
    return ApiKey.objects.select_related("created_by")


class KeyRefused(Exception):
    """Why a presented key does not authenticate: ``code`` is the API's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def api_key_authenticate(*, key: str, now: datetime | None = None) -> ApiKey:
    """The active key ``key`` stands for. Raises KeyRefused with code
    ``api_key_invalid`` (unknown or malformed), ``api_key_revoked`` or
    ``api_key_expired``, and when the creator's account is gone or disabled."""
    now = now or timezone.now()
    prefix = key_prefix(key)
    api_key = (
        ApiKey.objects.select_related("created_by").filter(prefix=prefix).first()
        if prefix
        else None
    )
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, key_hash(key)):
        raise KeyRefused("api_key_invalid", _("The API key is not valid for this community."))
    if api_key.revoked_at is not None:
        raise KeyRefused("api_key_revoked", _("The API key was revoked."))
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise KeyRefused("api_key_expired", _("The API key has expired."))
    if not api_key.created_by.is_active:
        raise KeyRefused("api_key_invalid", _("The account behind this API key is disabled."))
    return api_key


def api_key_touch(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Record that ``api_key`` was used: at most one UPDATE a minute per key."""
    now = now or timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    api_key.last_used_at = now


def api_key_request_log(*, api_key: ApiKey, request: HttpRequest) -> None:
    """One audit entry for a request made with ``api_key`` (one INSERT,
    outside the view's transaction so a failed request is logged too)."""
    audit_record(
        "api_key.request",
        actor=api_key.created_by,
        request=request,
        data={
            "api_key": api_key.name,
            "prefix": api_key.prefix,
            "method": request.method,
            "path": request.path[:300],
        },
    )
