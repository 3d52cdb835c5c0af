"""The community's privacy back office in the CMS (``/cms/privacy/``): the
record of processing (Art. 30), policy versions and erasure reports. Owners
and admins only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from core_apps.privacy.inventory import CATEGORIES
from core_apps.privacy.models import ErasureReport, PolicyDocument
from core_apps.privacy.records import records_rows
from core_apps.privacy.selectors import policies_current
from core_apps.privacy.services.consents import policy_publish
from pista.error_views import form_service_call


def privacy_staff(user: object) -> bool:
    from core_apps.accounts.models import User
    from core_apps.accounts.roles import Role
    from core_apps.accounts.services import user_roles

    return bool(
        getattr(user, "is_superuser", False)
        or (isinstance(user, User) and user_roles(user=user) & {Role.OWNER, Role.ADMIN})
    )


class PolicyPublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Policy"), choices=PolicyDocument.Kind.choices)
    text = forms.CharField(label=_("Text (HTML)"), widget=forms.Textarea)
    summary_of_changes = forms.CharField(label=_("What changed"), required=False, max_length=300)


def privacy_admin(request: HttpRequest) -> HttpResponse:
    if not privacy_staff(request.user):
        raise PermissionDenied
    form = PolicyPublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        document = form_service_call(
            form,
            lambda: policy_publish(published_by=request.user, **form.cleaned_data),
            field="text",
        )
        if document is not None:
            messages.success(request, _("Published %(doc)s.") % {"doc": document})
            return redirect("privacy_admin")
    return render(
        request,
        "privacy/admin/records.html",
        {
            "rows": records_rows(),
            "categories": CATEGORIES.values(),
            "policies": policies_current(),
            "form": form,
            "reports": ErasureReport.objects.all()[:20],
        },
    )
