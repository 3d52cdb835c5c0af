"""Account pages of our own, beside allauth's: ending sessions, and sending
the other sign-in, password and account forms (Django admin, Wagtail) to
allauth's, which ask for the second factor, throttle and audit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.accounts.services import user_session_end, user_sessions_end_all
from core_apps.privacy.services.audit import audit_record


def login_redirect(request: HttpRequest) -> HttpResponse:
    """Every sign-in goes through allauth's form, so no form skips two-factor."""
    target = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"{target}?{urlencode({'next': next_url})}"
    return HttpResponseRedirect(target)


def account_page_redirect(request: HttpRequest, *, to: str) -> HttpResponse:
    """Another framework's password page (Wagtail's reset, Django admin's
    change) answered by allauth's page named ``to``."""
    return HttpResponseRedirect(reverse(to))


@require_POST
@login_required
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End one of the member's own sessions (another browser or device)."""
    ended = user_session_end(request=request, user=authed_user(request), session_pk=pk)
    if ended:
        audit_record("auth.session_ended", request=request, subject=request.user)
        messages.info(request, _("That session was signed out."))
    return redirect("usersessions_list")


@require_POST
@login_required
def sessions_end_all(request: HttpRequest) -> HttpResponse:
    """Sign out everywhere: every session of the member, this one included."""
    audit_record("auth.logout_everywhere", request=request, subject=request.user)
    user_sessions_end_all(request=request, user=authed_user(request))
    return redirect("account_login")
