"""The owner's community data page, ``/settings/data/`` on a community host:
export the whole community, or have it deleted (with a grace period)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_roles
from pista.errors import ApplicationError, NotFound, PermissionDenied
from tenants.current import request_community
from tenants.lifecycle.services.deletion import (
    community_deletion_cancel_by_link,
    community_deletion_request,
)
from tenants.lifecycle.services.export import (
    InvalidExportLink,
    community_export_open,
    community_export_request,
)


class DeletionRequestForm(forms.Form):
    confirmation = forms.CharField(
        label=gettext_lazy("Type the community's address name to confirm"), max_length=64
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput, max_length=4096
    )


class DeletionCancelForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput, max_length=4096
    )


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "tenants/domains_forbidden.html", {"reason": reason}, status=403)


def _is_owner(request: HttpRequest) -> bool:
    return Role.OWNER in user_roles(user=authed_user(request))


@login_required
def data_page(
    request: HttpRequest, deletion_form: DeletionRequestForm | None = None
) -> HttpResponse:
    """Export and deletion, for the community's owner only."""
    if not _is_owner(request):
        return _forbidden(request, _("Only the community's owner can export or delete it."))
    return render(
        request,
        "tenants/community_data.html",
        {"deletion_form": deletion_form or DeletionRequestForm()},
        status=400 if deletion_form is not None and deletion_form.errors else 200,
    )


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    try:
        community_export_request(
            community=request_community(request),
            actor=authed_user(request),
            request=request,
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The export is being prepared: we'll email you a download link.")
        )
    response = redirect("community-data")
    response.status_code = 303
    return response


@login_required
def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """The ZIP, for the owner who asked for it, on this community's host only."""
    try:
        filename, file = community_export_open(token=token, user=request.user)
    except (InvalidExportLink, NotFound) as exc:
        return render(
            request,
            "tenants/domains_forbidden.html",
            {"reason": exc.message},
            status=exc.status_code,
        )
    response = FileResponse(file, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def deletion_request(request: HttpRequest) -> HttpResponse:
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        return data_page(request, deletion_form=form)
    community = request_community(request)
    try:
        community = community_deletion_request(
            community=community,
            actor=authed_user(request),
            confirmation=form.cleaned_data["confirmation"],
            password=form.cleaned_data["password"],
            request=request,
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return data_page(request, deletion_form=form)
    # The community is closed from now on: nobody stays signed in.
    logout(request)
    return render(request, "tenants/deletion_scheduled.html", {"community": community})


def deletion_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link that calls a scheduled deletion off (password required).
    The routing middleware lets this path through while the community is closed."""
    community = request_community(request)
    if not community.is_deletion_pending:
        reason = _("This link is invalid or has expired.")
        return render(request, "tenants/domains_forbidden.html", {"reason": reason}, status=404)
    form = DeletionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community_deletion_cancel_by_link(
                community=community, token=token, password=form.cleaned_data["password"]
            )
        except ApplicationError as exc:
            if exc.status_code == 404:
                return render(
                    request, "tenants/domains_forbidden.html", {"reason": exc.message}, status=404
                )
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The deletion was cancelled: your community is back."))
            return redirect("account_login")
    return render(
        request,
        "tenants/deletion_cancel.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
