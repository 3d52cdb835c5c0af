"""Background work for accounts."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django.utils import translation

from core_apps.accounts.models import User
from pista.celery import app
from pista.outbox.services import effect_once
from pista.tasks import CommunityTask
from tenants.current import community_current, community_url
from themes.mail import email_send


@app.task(base=CommunityTask)
def owner_invitation_send_task(*, user_id: int) -> None:
    """Email a new community owner a link to set their password."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    community = community_current()
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    # Rendered in the community's theme, like every email it sends.
    email_send(
        template_prefix="accounts/email/owner_invitation",
        context={"community": community, "link": f"{community_url(community=community)}{path}"},
        to=[user.email],
    )


@app.task(base=CommunityTask)
def signup_verification_email_send_task(*, user_id: int, language: str) -> None:
    """Email a new owner, once, the link that verifies their (primary, still
    unverified) address: allauth's signup confirmation, in ``language``."""
    address = EmailAddress.objects.filter(user_id=user_id, primary=True, verified=False).first()
    if address is None:
        return
    with effect_once(f"user:{user_id}:signup-verification-email") as first:
        if first:
            with translation.override(language):
                address.send_confirmation(None, signup=True)
