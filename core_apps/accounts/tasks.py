"""Background work for accounts."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from core_apps.accounts.models import User
from pista.celery import app
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
