"""The platform site (home, signup), and on the community host: welcome,
onboarding and the theme picker in the Wagtail admin."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Site

from core_apps.accounts.models import User
from core_apps.accounts.request import authed_user
from core_apps.accounts.roles import Role
from core_apps.accounts.services import (
    InvalidLoginToken,
    login_token_redeem,
    signup_verification_email_queue,
    user_roles,
)
from core_apps.privacy.selectors import policies_current
from pista.error_views import form_service_call
from pista.errors import ApplicationError
from pista.headers import response_csp_update
from pista.ratelimit import client_ip, rate_limit_exceeded
from pista.tenancy import current_schema
from tenants.current import community_url, request_community
from tenants.models import Community
from tenants.onboarding import onboarding_checklist
from tenants.provisioning.forms import CommunityLookForm, CommunitySignupForm
from tenants.provisioning.selectors import communities_listed, slug_availability
from tenants.provisioning.services import (
    community_look_set,
    community_signup,
    community_theme_set,
)
from themes.forms import ThemeChooseForm
from themes.models import BrandingSettings
from themes.registry import THEME_BY_NAME, THEME_LIST

SIGNUPS_PER_IP_PER_HOUR = 5
SLUG_CHECKS_PER_IP_PER_MINUTE = 60
# The signup form field a signup error belongs to, by the error's code.
SIGNUP_ERROR_FIELDS = {
    "slug_taken": "slug",
    "invalid_slug": "slug",
    "reserved_slug": "slug",
    "invalid_email": "owner_email",
}


def platform_home(request: HttpRequest) -> HttpResponse:
    """The platform site's home page: the active communities."""
    communities = [
        {"community": community, "url": community_url(community=community)}
        for community in communities_listed()
    ]
    return render(request, "platform/home.html", {"communities": communities})


def community_signup_view(request: HttpRequest) -> HttpResponse:
    """The platform's "Start your community" page.

    The CSP's ``form-action`` also governs redirects: this form alone may end on
    a community's sub-domain (the new community's one-time welcome link)."""
    response = _community_signup(request)
    response_csp_update(
        response, {"form-action": [f"{settings.PISTA_SCHEME}://*.{settings.PISTA_BASE_DOMAIN}"]}
    )
    return response


def _community_signup(request: HttpRequest) -> HttpResponse:
    # Bound on every POST, an empty one included (an unbound form can't take errors).
    form = CommunitySignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if rate_limit_exceeded(
            scope="signup", key=client_ip(request), limit=SIGNUPS_PER_IP_PER_HOUR, window_s=3600
        ):
            form.add_error(None, _("Too many sign-ups from your network. Try again later."))
            return render(request, "tenants/signup.html", {"form": form}, status=429)
        if form.is_probably_automated():
            form.add_error(None, _("Your submission could not be accepted. Please try again."))
            return render(request, "tenants/signup.html", {"form": form}, status=400)
        if form.is_valid():
            data = form.cleaned_data
            signup = form_service_call(
                form,
                lambda: community_signup(
                    name=data["name"],
                    slug=data["slug"],
                    owner_email=data["owner_email"],
                    password=data["password"],
                    dance_styles=data["dance_styles"],
                    language=data["language"],
                    currency=data["currency"],
                    time_zone=data["time_zone"],
                    accepted_documents=form.platform_policies,
                ),
                field=SIGNUP_ERROR_FIELDS,
            )
            if signup is not None:
                return HttpResponseRedirect(signup.welcome_url)
        return render(request, "tenants/signup.html", {"form": form}, status=400)
    return render(request, "tenants/signup.html", {"form": form})


@require_GET
def platform_policy_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The current version of one of the platform's own policies (terms, privacy)."""
    document = next((d for d in policies_current() if d.kind == kind), None)
    if document is None:
        raise Http404(_("No such policy."))
    return render(request, "tenants/platform_policy.html", {"document": document})


@require_GET
def slug_check_view(request: HttpRequest) -> JsonResponse:
    """``?slug=…`` → ``{"available", "message", "suggestions"}`` for the signup form."""
    if rate_limit_exceeded(
        scope="slug-check",
        key=client_ip(request),
        limit=SLUG_CHECKS_PER_IP_PER_MINUTE,
        window_s=60,
        fail_open=True,
    ):
        return JsonResponse(
            {"code": "throttled", "detail": _("Too many requests. Slow down.")}, status=429
        )
    available, message, suggestions = slug_availability(slug=request.GET.get("slug", ""))
    return JsonResponse({"available": available, "message": message, "suggestions": suggestions})


@require_GET
def welcome_view(request: HttpRequest, token: str) -> HttpResponse:
    """Sign the new owner in on their community's host (one-time link); the
    address-verification email follows (outbox)."""
    try:
        user = login_token_redeem(token=token, schema=current_schema())
    except InvalidLoginToken as exc:
        messages.error(request, exc.message)
        return redirect("account_login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    signup_verification_email_queue(user=user, language=get_language())
    return redirect("onboarding")


def _look_initial(community: Community) -> dict[str, str]:
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    theme = THEME_BY_NAME[community.theme]
    return {
        "theme": theme.name,
        "primary_colour": branding.primary_colour or theme.primary,
        "background_colour": branding.background_colour or theme.background,
        "text_colour": branding.text_colour or theme.text,
    }


@login_required
def onboarding_view(request: HttpRequest) -> HttpResponse:
    """The owner's checklist, with the "choose a theme and colours" step inline."""
    community = request_community(request)
    if not user_roles(user=authed_user(request)) & {Role.OWNER, Role.ADMIN}:
        return render(request, "404.html", status=404)
    look_form = CommunityLookForm(request.POST or None, initial=_look_initial(community))
    if request.method == "POST" and look_form.is_valid():
        form_service_call(
            look_form,
            lambda: community_look_set(
                community=community, actor=authed_user(request), **look_form.cleaned_data
            ),
            field=NON_FIELD_ERRORS,  # a colour pair's contrast is no one field's error
        )
        if not look_form.errors:
            messages.success(request, _("Your site has its new look."))
            return redirect("onboarding")
    items = onboarding_checklist(community=community)
    return render(
        request,
        "tenants/onboarding.html",
        {"items": items, "done": sum(item.done for item in items), "look_form": look_form},
        status=400 if look_form.errors else 200,
    )


@login_required
def onboarding_payments_view(request: HttpRequest) -> HttpResponse:
    """How payments are set up (until the back office's payments page exists)."""
    if not user_roles(user=authed_user(request)) & {Role.OWNER, Role.ADMIN}:
        return render(request, "404.html", status=404)
    return render(request, "tenants/onboarding_payments.html")


def theme_choose(request: HttpRequest) -> HttpResponse:
    """Owners and admins pick their community's theme; the site follows at once."""
    user = request.user
    if not (
        user.is_superuser
        or (isinstance(user, User) and user_roles(user=user) & {Role.OWNER, Role.ADMIN})
    ):
        raise PermissionDenied
    community = request_community(request)
    form = ThemeChooseForm(request.POST or None, initial={"theme": community.theme})
    if request.method == "POST" and form.is_valid():
        try:
            community_theme_set(community=community, theme=form.cleaned_data["theme"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Theme changed. Your whole site uses it now."))
            return redirect("themes_choose")
    return TemplateResponse(
        request,
        "themes/admin/choose.html",
        {"form": form, "themes": THEME_LIST, "current": community.theme},
    )
