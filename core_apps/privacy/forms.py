"""Forms: policy acceptance at sign-up and when a new version is published,
and the account deletion confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core_apps.privacy.models import ConsentRecord


class SignupConsentForm(forms.Form):
    """allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``: the signup form asks the new
    member to accept the community's current privacy policy and terms, when
    the community has published any, and records that acceptance."""

    accept_policies = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from core_apps.privacy.selectors import policies_current

        super().__init__(*args, **kwargs)
        self.policies = policies_current()
        field = self.fields["accept_policies"]
        if self.policies:
            field.required = True
            field.label = _("I have read and accept the %(documents)s.") % {
                "documents": _(" and the ").join(str(p.get_kind_display()) for p in self.policies)
            }
            field.help_text = _("Read them at %(paths)s.") % {
                "paths": ", ".join(f"/privacy/policies/{p.kind}/" for p in self.policies)
            }
        else:
            field.widget = forms.HiddenInput()

    def signup(self, request: HttpRequest, user: Any) -> None:
        from core_apps.privacy.services.consents import consent_give

        if self.policies and self.cleaned_data.get("accept_policies"):
            consent_give(
                user=user,
                documents=self.policies,
                method=ConsentRecord.Method.SIGNUP,
                request=request,
            )


class PoliciesAcceptForm(forms.Form):
    accept = forms.BooleanField(label=_("I have read and accept them."))


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data in this community are deleted for good.")
    )
