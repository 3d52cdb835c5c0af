"""Who must use two-factor authentication, and how long a session may live.

Staff — platform operators, and anyone holding a permission that opens a
staff page or API (``wagtailadmin.access_admin``, event, order, booking or
community management…), whatever group granted it — must have proved a second
factor in the current session before any page but the account pages works;
members may opt in. Changing what protects an account (email address,
password, authenticators, recovery codes) needs a session that proved the
second factor too, for anyone who has one. Sessions end after an idle period
and after an absolute lifetime, shorter for staff.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core_apps.accounts.roles import MEMBER_PERMISSIONS

SESSION_LOGIN_AT = "pista_login_at"
SESSION_SEEN_AT = "pista_seen_at"
# The last-activity stamp is rewritten at most this often (seconds), so that a
# busy session is not saved on every request.
SEEN_AT_RESOLUTION_S = 60
# Left on the request by ``SessionLifetimeMiddleware`` for later readers: whether
# the user counts as staff (so the second-factor check need not ask again), and
# why it ended the session (for the logout's audit entry).
REQUEST_MFA_REQUIRED = "pista_mfa_required"
REQUEST_LOGOUT_REASON = "pista_logout_reason"


# Account pages that change what protects the account: a session must have
# proved the second factor (if the user has one) before they open. Staff
# without one may still reach the two pages that set one up.
SECOND_FACTOR_PAGES = frozenset(
    {
        "account_email",
        "account_change_password",
        "account_set_password",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_add_webauthn",
        "mfa_edit_webauthn",
        "mfa_remove_webauthn",
    }
)
ENROLMENT_PAGES = frozenset({"mfa_activate_totp", "mfa_add_webauthn"})


class SecondFactorStep(StrEnum):
    """What a session must still do before a page opens."""

    NONE = ""
    ENROL = "enrol"  # set up an authenticator app or a passkey
    PROVE = "prove"  # enter the code (or use the passkey) it already has


def mfa_required_for(user: Any) -> bool:
    """True for staff: operators (``is_staff``, ``is_superuser``) and anyone
    holding a permission beyond a member's (``roles.MEMBER_PERMISSIONS``) —
    by permission, from any group, not by the group's name."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Cached on the user object for the request: the views' own has_perm()
    # checks reuse it.
    return bool(user.get_all_permissions() - MEMBER_PERMISSIONS)


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


def request_mfa_required_mark(request: HttpRequest, *, required: bool) -> None:
    """Remember on ``request`` whether its user must use a second factor."""
    setattr(request, REQUEST_MFA_REQUIRED, required)


def request_mfa_required(request: HttpRequest) -> bool | None:
    """What ``request_mfa_required_mark`` remembered, or None if it did not run."""
    required: bool | None = getattr(request, REQUEST_MFA_REQUIRED, None)
    return required


def request_logout_reason_mark(request: HttpRequest, reason: str) -> None:
    """Remember on ``request`` why its session is being ended."""
    setattr(request, REQUEST_LOGOUT_REASON, reason)


def request_logout_reason(request: HttpRequest) -> str:
    """Why the session of ``request`` was ended by us ("" for a plain sign-out)."""
    reason: str = getattr(request, REQUEST_LOGOUT_REASON, "")
    return reason


def second_factor_step(request: HttpRequest, *, view_name: str | None) -> SecondFactorStep:
    """What the signed-in user of ``request`` must do before ``view_name``
    (a URL name; ``None`` for a page outside the account pages) opens.

    Staff must have proved a second factor in this session for every page;
    anyone with an authenticator must have proved it for the pages in
    ``SECOND_FACTOR_PAGES``; staff without one are sent to set one up (the
    set-up pages stay open to them).
    """
    user = request.user
    if not user.is_authenticated:
        return SecondFactorStep.NONE
    protected = view_name is None or view_name in SECOND_FACTOR_PAGES
    if not protected:
        return SecondFactorStep.NONE
    staff = request_mfa_required(request)
    if staff is None:
        staff = mfa_required_for(user)
    if view_name is None and not staff:
        return SecondFactorStep.NONE
    if session_mfa_verified(request):
        return SecondFactorStep.NONE
    if mfa_enabled_for(user):
        return SecondFactorStep.PROVE
    if staff and view_name not in ENROLMENT_PAGES:
        return SecondFactorStep.ENROL
    return SecondFactorStep.NONE


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
