"""The member's privacy pages (``/privacy/``): policies and consents, data
export, account deletion. Thin: one service or selector per request."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core_apps.privacy import selectors
from core_apps.privacy.forms import AccountDeleteForm, PoliciesAcceptForm
from core_apps.privacy.models import ConsentRecord, PolicyDocument
from core_apps.privacy.services import consents, erasure, exports
from core_apps.privacy.services.audit import audit_record
from pista.error_views import action_run


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@login_required
def privacy_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = selectors.policies_current()
    return render(
        request,
        "privacy/home.html",
        {
            "policies": [
                (doc, selectors.consent_current(user=user, document=doc)) for doc in current
            ],
            "history": selectors.consent_history(user=user)[:50],
            "exports": selectors.data_exports_of(user=user)[:5],
        },
    )


def policy_show(request: HttpRequest, kind: str) -> HttpResponse:
    """The current version of a policy (public)."""
    document = PolicyDocument.objects.filter(kind=kind).order_by("-version").first()
    if document is None:
        raise Http404(_("No such policy."))
    return render(request, "privacy/policy.html", {"document": document})


@login_required
def policies_accept(request: HttpRequest) -> HttpResponse:
    """Asked again after a new version (or a withdrawal): accept to go on."""
    pending = selectors.policies_pending(user=request.user)
    next_url = _next_url(request)
    if not pending:
        return redirect(next_url)
    form = PoliciesAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consents.consent_give(
            user=request.user,
            documents=pending,
            method=ConsentRecord.Method.REPROMPT,
            request=request,
        )
        return redirect(next_url)
    return render(
        request, "privacy/accept.html", {"pending": pending, "form": form, "next": next_url}
    )


@login_required
@require_POST
def policy_consent(request: HttpRequest, document_id: int) -> HttpResponse:
    """Give or withdraw acceptance of one policy version from the privacy page."""
    document = get_object_or_404(PolicyDocument, pk=document_id)
    if request.POST.get("action") == "withdraw":
        consents.consent_withdraw(user=request.user, document=document, request=request)
        messages.info(request, _("You withdrew your acceptance of %(doc)s.") % {"doc": document})
    else:
        consents.consent_give(
            user=request.user,
            documents=[document],
            method=ConsentRecord.Method.PRIVACY_PAGE,
            request=request,
        )
        messages.success(request, _("You accepted %(doc)s.") % {"doc": document})
    return redirect("privacy:home")


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    def export() -> str:
        exports.export_request(user=request.user, request=request)
        return _("We are preparing your data. You will get an email with a download link.")

    return action_run(request, export, back=reverse("privacy:home"))


def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """The signed link from the email: only its member, signed in, in its
    community, before it expires."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    try:
        export = exports.export_for_link(token=token, user=request.user)
    except exports.ExportLinkInvalid as exc:
        return render(request, "privacy/error.html", {"detail": exc.message}, status=404)
    audit_record("privacy.export_download", subject=request.user, target=export, request=request)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"my-data-{export.requested_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@reauthentication_required(allow_get=True)
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete my account: confirm (allauth asks for the password again unless
    the member signed in moments ago), then the erasure runs in a task."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def erase() -> None:
            erasure.member_erase_request(user=request.user, request=request)
            logout(request)
            messages.info(request, _("Your account is being deleted. Goodbye!"))

        return action_run(request, erase, back="/", error_back=reverse("privacy:home"))
    return render(request, "privacy/delete.html", {"form": form})
