"""The platform's Stripe endpoint, and the owner's plan page
``/settings/plan/`` on a community host (plan, usage, invoices, payouts)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import selectors
from billing.services.connect import connect_onboarding_start
from billing.services.owner import (
    card_payment_available,
    card_setup_start,
    card_subscribe,
    plan_change_request,
    subscription_paying,
)
from billing.services.plans import plan_fit_problems
from billing.services.webhooks import platform_event_receive
from billing.stripe_gateway import WebhookInvalid
from pista.billing_hooks import PlanLimitReached
from pista.errors import ApplicationError, PermissionDenied
from pista.headers import response_csp_update
from tenants.current import community_url, request_community

# The owner role's group (core_apps.accounts.roles.Role.OWNER): billing sits
# beside accounts in the platform's layers, so it names the group, not the enum.
OWNER_GROUP = "owner"


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """``POST /stripe/webhook/`` on the platform host: platform and Connect
    events, verified, stored once, processed from the outbox."""
    try:
        event_id, created = platform_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookInvalid as exc:
        return JsonResponse({"code": exc.code, "detail": exc.message}, status=exc.status_code)
    return JsonResponse({"code": "received" if created else "duplicate", "event": event_id})


def _owner_require(request: HttpRequest) -> None:
    user = request.user
    if not user.is_authenticated or not user.groups.filter(name=OWNER_GROUP).exists():
        raise PermissionDenied(_("Only the community's owner can manage its plan and payouts."))


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    _owner_require(request)
    community = request_community(request)
    subscription = selectors.subscription_of(community=community)
    plans = [
        {
            "plan": plan,
            "current": subscription is not None and subscription.plan_id == plan.pk,
            "problems": plan_fit_problems(community=community, plan=plan),
        }
        for plan in selectors.plans_offered()
    ]
    card_plans = [
        plan
        for plan in selectors.plans_offered()
        if not (plan.is_free or (subscription is not None and subscription.plan_id == plan.pk))
        and plan.stripe_price_id
        and not plan_fit_problems(community=community, plan=plan)
    ]
    card = card_payment_available() and not subscription_paying(subscription) and bool(card_plans)
    response = render(
        request,
        "billing/plan.html",
        {
            "community": community,
            "subscription": subscription,
            "plans": plans,
            "card_plans": card_plans if card else [],
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "usage": selectors.plan_usage(community=community),
            "invoices": selectors.invoices_of(community=community)[:24],
            "connect": selectors.connected_account_of(community=community),
        },
    )
    if card:
        # Stripe.js and its card fields, on this page only (Stripe's API and
        # its 3-D Secure frames with them).
        parts = urlsplit(settings.STRIPE_JS_URL)
        origin = f"{parts.scheme}://{parts.netloc}"
        response_csp_update(
            response,
            {
                "script-src": [origin],
                "frame-src": [origin, "https://hooks.stripe.com"],
                "connect-src": [origin, "https://api.stripe.com"],
            },
        )
    return response


def _json_error(exc: ApplicationError) -> JsonResponse:
    return JsonResponse({"code": exc.code, "detail": str(exc.message)}, status=exc.status_code)


@login_required
@require_POST
def plan_card_setup(request: HttpRequest) -> JsonResponse:
    """Paying by card, step 1: the client secret of a SetupIntent (JSON)."""
    try:
        _owner_require(request)
        secret = card_setup_start(
            community=request_community(request),
            actor=request.user,
            slug=request.POST.get("plan", ""),
            email=getattr(request.user, "email", ""),
        )
    except ApplicationError as exc:
        return _json_error(exc)
    return JsonResponse({"client_secret": secret})


@login_required
@require_POST
def plan_card_subscribe(request: HttpRequest) -> JsonResponse:
    """Paying by card, step 2: subscribe with the confirmed card (JSON)."""
    try:
        _owner_require(request)
        subscription = card_subscribe(
            community=request_community(request),
            actor=request.user,
            slug=request.POST.get("plan", ""),
            setup_intent_id=request.POST.get("setup_intent", ""),
        )
    except ApplicationError as exc:
        return _json_error(exc)
    messages.success(request, _("You are now on %(plan)s.") % {"plan": subscription.plan.name})
    return JsonResponse({"redirect": reverse("billing-plan")})


@login_required
@require_POST
def plan_change(request: HttpRequest) -> HttpResponse:
    _owner_require(request)
    community = request_community(request)
    page = community_url(community=community) + reverse("billing-plan")
    try:
        checkout_url = plan_change_request(
            community=community,
            actor=request.user,
            slug=request.POST.get("plan", ""),
            email=getattr(request.user, "email", ""),
            success_url=page + "?checkout=done",
            cancel_url=page,
        )
    except PlanLimitReached as exc:
        messages.error(request, exc.message)
        return redirect("billing-plan")
    if checkout_url:
        return redirect(checkout_url)
    messages.success(request, _("Your plan was changed."))
    return redirect("billing-plan")


@login_required
@require_POST
def payouts_onboard(request: HttpRequest) -> HttpResponse:
    _owner_require(request)
    community = request_community(request)
    page = community_url(community=community) + reverse("billing-plan")
    url = connect_onboarding_start(
        community=community,
        actor=request.user,
        email=getattr(request.user, "email", ""),
        return_url=page + "?payouts=done",
        refresh_url=page,
    )
    return redirect(url)
