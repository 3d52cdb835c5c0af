"""The owner's integrations page, ``/settings/integrations/`` on a community
host: API keys (created, shown once, revoked)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.integrations import apikeys
from core_apps.integrations.scopes import SCOPES
from pista.errors import ApplicationError, PermissionDenied


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
    return render(
        request,
        "integrations/integrations.html",
        {"form": form, "keys": keys, "created": created, **_extra_context(request)},
        status=status,
    )


def _extra_context(request: HttpRequest) -> dict:
    """What the other sections of the page (webhooks, widget) show."""
    return {}


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
