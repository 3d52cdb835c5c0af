"""The owner's integrations page, ``/settings/integrations/`` on a community
host: API keys (created, shown once, revoked)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from csp.constants import NONE
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from core_apps.accounts.request import authed_user
from core_apps.events.selectors import events_listed
from core_apps.integrations import apikeys, webhooks, widget
from core_apps.integrations.scopes import SCOPES
from pista.errors import ApplicationError, PermissionDenied
from pista.headers import response_csp_replace
from tenants.current import community_current


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=apikeys.NAME_MAX_LENGTH)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Expires after (days, optional)"),
        required=False,
        min_value=1,
        max_value=apikeys.MAX_EXPIRY_DAYS,
    )


class WebhookForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("HTTPS URL"), max_length=500)
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=list(webhooks.EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class WidgetOriginsForm(forms.Form):
    origins = forms.CharField(
        label=gettext_lazy("Sites that may show the widget (one origin per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return render(request, "integrations/forbidden.html", {"reason": exc.message}, status=403)


@login_required
def integrations_page(request: HttpRequest) -> HttpResponse:
    """List the API keys with their last use; create one (shown once)."""
    actor = authed_user(request)
    form = ApiKeyForm(request.POST or None, prefix="key")
    created = None
    status = 200
    try:
        apikeys.api_keys_manage_check(actor=actor)
        if request.method == "POST":
            if form.is_valid():
                try:
                    created = apikeys.api_key_create(
                        actor=actor,
                        name=form.cleaned_data["name"],
                        scopes=form.cleaned_data["scopes"],
                        expires_in_days=form.cleaned_data["expires_in_days"],
                        request=request,
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
            if created is None:
                status = 400
            else:
                form = ApiKeyForm(prefix="key")
        keys = list(apikeys.api_keys_listed(actor=actor))
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return _page(request, form=form, keys=keys, created=created, status=status)


def _page(request: HttpRequest, *, status: int = 200, **context: object) -> HttpResponse:
    actor = authed_user(request)
    context.setdefault("form", ApiKeyForm(prefix="key"))
    context.setdefault("webhook_form", WebhookForm(prefix="hook"))
    if "keys" not in context:
        context["keys"] = list(apikeys.api_keys_listed(actor=actor))
    context["subscriptions"] = list(webhooks.webhook_subscriptions_listed(actor=actor))
    context["deliveries"] = webhooks.webhook_deliveries_listed(actor=actor)
    origins = widget.widget_origins()
    context.setdefault(
        "widget_form", WidgetOriginsForm(prefix="widget", initial={"origins": "\n".join(origins)})
    )
    context["widget_origins"] = origins
    context["community_origin"] = request.build_absolute_uri("/").rstrip("/")
    return render(request, "integrations/integrations.html", context, status=status)


def _back() -> HttpResponse:
    response = redirect("integrations-page")
    response.status_code = 303
    return response


@login_required
@require_POST
def webhook_subscribe_view(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST, prefix="hook")
    try:
        apikeys.api_keys_manage_check(actor=authed_user(request))
        if form.is_valid():
            try:
                webhooks.webhook_subscribe(
                    actor=authed_user(request),
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                    request=request,
                )
            except ApplicationError as exc:
                form.add_error("url", exc.message)
            else:
                messages.success(request, _("The webhook was added."))
                return _back()
        return _page(request, webhook_form=form, status=400)
    except PermissionDenied as exc:
        return _forbidden(request, exc)


@login_required
@require_POST
def webhook_action_view(request: HttpRequest, subscription_id: int, action: str) -> HttpResponse:
    actor = authed_user(request)
    try:
        if action == "delete":
            webhooks.webhook_subscription_delete(
                actor=actor, subscription_id=subscription_id, request=request
            )
        elif action in ("enable", "disable"):
            webhooks.webhook_subscription_set_active(
                actor=actor,
                subscription_id=subscription_id,
                active=action == "enable",
                request=request,
            )
        else:
            messages.error(request, _("Unknown action."))
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back()


@login_required
@require_POST
def webhook_redeliver_view(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        webhooks.webhook_delivery_redeliver(
            actor=authed_user(request), delivery_id=delivery_id, request=request
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The event is being sent again."))
    return _back()


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    try:
        api_key = apikeys.api_key_revoke(actor=authed_user(request), key_id=key_id, request=request)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The key %(name)s was revoked.") % {"name": api_key.name})
    response = redirect("integrations-page")
    response.status_code = 303
    return response


@login_required
@require_POST
def widget_origins_view(request: HttpRequest) -> HttpResponse:
    form = WidgetOriginsForm(request.POST, prefix="widget")
    try:
        apikeys.api_keys_manage_check(actor=authed_user(request))
        if form.is_valid():
            try:
                widget.widget_origins_set(
                    actor=authed_user(request),
                    origins=form.cleaned_data["origins"].splitlines(),
                    request=request,
                )
            except ApplicationError as exc:
                form.add_error("origins", exc.message)
            else:
                messages.success(request, _("The widget's sites were saved."))
                return _back()
        return _page(request, widget_form=form, status=400)
    except PermissionDenied as exc:
        return _forbidden(request, exc)


@xframe_options_exempt
@require_GET
def widget_events_view(request: HttpRequest) -> HttpResponse:
    """The widget's iframe: upcoming public events linking to their pages
    (tickets) on this community's site, framable by the listed sites only."""
    community = community_current()
    items = []
    for event in events_listed(user=None, time_zone=community.time_zone)[:10]:
        dates = getattr(event, "listed_dates", None) or []
        starts = dates[0].starts_at if dates else event.starts_at
        zone = ZoneInfo(event.time_zone or community.time_zone)
        items.append(
            {
                "event": event,
                "url": request.build_absolute_uri(event.get_absolute_url()),
                "starts_at": timezone.localtime(starts, zone) if starts else None,
                "zone": zone.key,
            }
        )
    response = render(
        request, "integrations/widget_events.html", {"events": items, "community": community}
    )
    origins = widget.widget_origins()
    response_csp_replace(response, {"frame-ancestors": origins or [NONE]})
    return response
