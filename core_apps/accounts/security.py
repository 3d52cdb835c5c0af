"""Who must use two-factor authentication, and how long a session may live.

Staff (platform operators, community owners, admins, organizers, moderators)
must have signed in with a second factor in the current session before any
page but the account pages works; members may opt in. Sessions end after an
idle period and after an absolute lifetime, shorter for staff.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core_apps.accounts.roles import STAFF_ROLES

SESSION_LOGIN_AT = "pista_login_at"
SESSION_SEEN_AT = "pista_seen_at"
# The last-activity stamp is rewritten at most this often (seconds), so that a
# busy session is not saved on every request.
SEEN_AT_RESOLUTION_S = 60


def mfa_required_for(user: Any) -> bool:
    """True for staff: operators, and holders of a staff role in a community."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user.groups.filter(name__in=[role.value for role in STAFF_ROLES]).exists())


def mfa_enabled_for(user: Any) -> bool:
    """True when the user has an authenticator app or a passkey (recovery codes don't count)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_mfa_verified(request: HttpRequest) -> bool:
    """True when this session's user proved a second factor in this session
    (at sign-in, by a passkey sign-in, on re-authentication or when adding one)."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def session_mfa_mark(request: HttpRequest, user: Any, *, authenticator: Any) -> None:
    """Record that ``user`` just proved ``authenticator`` in this session."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


@dataclass(frozen=True)
class SessionPolicy:
    idle_s: int
    absolute_s: int


def session_policy_for(*, staff: bool) -> SessionPolicy:
    """The idle and absolute session lifetimes (settings ``PISTA_*_SESSION_*``)."""
    if staff:
        return SessionPolicy(
            idle_s=settings.PISTA_STAFF_SESSION_IDLE_MINUTES * 60,
            absolute_s=int(settings.PISTA_STAFF_SESSION_ABSOLUTE_HOURS * 3600),
        )
    return SessionPolicy(
        idle_s=int(settings.PISTA_MEMBER_SESSION_IDLE_DAYS * 86400),
        absolute_s=int(settings.PISTA_MEMBER_SESSION_ABSOLUTE_DAYS * 86400),
    )


def session_started(request: HttpRequest) -> None:
    """Stamp a freshly signed-in session with its login and activity times."""
    now = time.time()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now


def session_expired(request: HttpRequest, *, policy: SessionPolicy) -> str:
    """Why the current session is over (``"idle"``, ``"absolute"``), or ``""``.
    Refreshes the activity stamp of a live session."""
    now = time.time()
    login_at = request.session.get(SESSION_LOGIN_AT)
    seen_at = request.session.get(SESSION_SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        session_started(request)
        return ""
    if now - login_at > policy.absolute_s:
        return "absolute"
    if now - seen_at > policy.idle_s:
        return "idle"
    if now - seen_at >= SEEN_AT_RESOLUTION_S:
        request.session[SESSION_SEEN_AT] = now
    # The stored session and its cookie lapse with the idle period too.
    if request.session.get_expiry_age() != policy.idle_s:
        request.session.set_expiry(policy.idle_s)
    return ""
