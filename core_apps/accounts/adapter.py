"""allauth hooks for Pista accounts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language

from pista.ratelimit import client_ip
from pista.redirects import redirect_target_safe
from pista.tenancy import in_public_schema
from tenants.current import community_current, site_url_current
from themes.mail import email_message_build, recipient_language


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
        """Account emails (verification, password reset…) in the community's
        theme and the recipient's language, from the community's name;
        allauth's ``current_site`` reads as the community (or the platform),
        not as a bare host name."""
        site_url = site_url_current()
        name = "Pista" if in_public_schema() else community_current().name
        context = {
            **context,
            "current_site": SimpleNamespace(name=name, domain=urlsplit(site_url).netloc),
        }
        to = [email] if isinstance(email, str) else email
        # The member's stored language, else the one the page was asked in.
        language = recipient_language(to[0], fallback=get_language() or "")
        with translation.override(language):
            return email_message_build(
                template_prefix=template_prefix,
                context=context,
                to=to,
                headers=headers,
                request=allauth_context.request,
            )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's, without a request being needed: workers send account
        emails too (the signup's verification email, through the outbox), and
        ``render_mail`` names the site from settings, not from the request."""
        request = allauth_context.request
        self.render_mail(
            template_prefix, email, {"request": request, "email": email, **context}
        ).send()

    def format_email_subject(self, subject: str) -> str:
        """No ``[host]`` prefix: the sender's name already says who writes."""
        return str(subject)

    def get_reset_password_from_key_url(self, key: str) -> str:
        """Reset links point at the community's own address (or the platform's),
        built from settings: never from the request's ``Host`` or port."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url_current() + path.replace("UID-KEY", quote(key))

    def get_email_confirmation_url(
        self, request: HttpRequest, emailconfirmation: EmailConfirmation
    ) -> str:
        """Confirmation links, like reset links, use the configured address."""
        return site_url_current() + reverse("account_confirm_email", args=[emailconfirmation.key])

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """A new member counts against the community's plan: checked under the
        plan's lock in the transaction that creates the account, and announced
        (``member.joined``) in it."""
        from core_apps.accounts.services import member_join_check, member_joined_announce

        with transaction.atomic():
            if not in_public_schema():
                member_join_check()
            saved = super().save_user(request, user, form, commit)
            if commit and not in_public_schema():
                member_joined_announce(user=saved)
            return saved

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Members sign up on their community's host; the platform host has
        operators only (``createsuperuser``)."""
        return not in_public_schema()

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address behind the trusted proxies only (rate limits,
        the session list)."""
        return client_ip(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff keep at least one authenticator app or passkey: their role requires it."""
        from core_apps.accounts.security import mfa_required_for

        if authenticator.type not in (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN):
            return True
        if not mfa_required_for(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
        ).exclude(pk=authenticator.pk)
        return others.exists()

    def get_totp_issuer(self) -> str:
        """Authenticator apps list the code under the community's name."""
        if in_public_schema():
            return "Pista"
        return f"{community_current().name} (Pista)"
