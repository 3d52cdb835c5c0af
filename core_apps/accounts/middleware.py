"""Session lifetimes and the staff two-factor rule, on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core_apps.accounts.security import (
    SecondFactorStep,
    mfa_required_for,
    request_logout_reason_mark,
    request_mfa_required_mark,
    second_factor_step,
    session_expired,
    session_policy_for,
)
from pista.redirects import redirect_target_safe

# Paths a staff member without a verified second factor may still use: the
# account pages (sign out, set up two-factor, verify the email address…),
# probes and assets.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/readyz", "/favicon")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


class SessionLifetimeMiddleware:
    """Ends a session that was idle for too long or has lived too long
    (shorter limits for staff; ``PISTA_*_SESSION_*`` settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            staff = mfa_required_for(user)
            request_mfa_required_mark(request, required=staff)
            reason = session_expired(request, policy=session_policy_for(staff=staff))
            if reason:
                request_logout_reason_mark(request, reason)
                logout(request)
                if _wants_json(request):
                    return JsonResponse(
                        {"code": "session_expired", "detail": _("Your session has expired.")},
                        status=401,
                    )
                messages.info(request, _("Your session has expired. Please sign in again."))
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
        return self.get_response(request)


class StaffMFAMiddleware:
    """Staff (by permission, see ``security.mfa_required_for``) must have
    proved a second factor in this session before any page but the account
    pages works: without an authenticator they are sent to set one up, with one
    (a session that skipped the code) to re-authenticate. The account pages
    that change what protects an account (``security.SECOND_FACTOR_PAGES``)
    ask the same of everyone who has an authenticator."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            step = second_factor_step(request, view_name=None)
            if step is not SecondFactorStep.NONE:
                return self._refuse(request, step=step)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return None
        step = second_factor_step(request, view_name=match.url_name or "")
        if step is SecondFactorStep.NONE:
            return None
        return self._refuse(request, step=step)

    def _refuse(self, request: HttpRequest, *, step: SecondFactorStep) -> HttpResponse:
        if _wants_json(request):
            return JsonResponse(
                {
                    "code": "mfa_required",
                    "detail": _("Staff accounts need two-factor authentication."),
                },
                status=403,
            )
        query = urlencode({"next": request.get_full_path()})
        if step is SecondFactorStep.PROVE:
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        # Once set up, the recovery codes page leads back here (mfa/recovery_codes).
        if request.method == "GET" and redirect_target_safe(
            request.get_full_path(), request=request
        ):
            request.session["pista_mfa_next"] = request.get_full_path()
        messages.warning(
            request,
            _(
                "Your role needs two-factor authentication. Set up an authenticator app "
                "or a passkey to continue."
            ),
        )
        return HttpResponseRedirect(f"{reverse('mfa_index')}?{query}")
