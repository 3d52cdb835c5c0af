"""allauth hooks for Pista accounts."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.mail import EmailMessage

from pista.redirects import redirect_target_safe


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url: str | None) -> bool:
        """``next=`` after login, logout or sign-up may only point back to this
        host: not to another community of the platform, whatever ALLOWED_HOSTS says."""
        return redirect_target_safe(url, request=allauth_context.request)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Account emails (verification, password reset…) in the community's theme."""
        from themes.services import email_message_build

        return email_message_build(
            template_prefix=template_prefix,
            context=context,
            to=[email] if isinstance(email, str) else email,
            from_email=self.get_from_email(),
            headers=headers,
            subject_prefix=self.format_email_subject(""),
            request=allauth_context.request,
        )
