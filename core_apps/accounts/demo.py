"""Demo owners sign in with two-factor authentication like any owner: their
authenticator app is seeded from a published demo secret (README), and
``manage.py demo_totp_code`` prints the current code."""

from __future__ import annotations

from tenants.demo import demo_owner_email, demo_seeder
from tenants.models import Community

# Published with the demo passwords: never use it for a real account.
DEMO_TOTP_SECRET = "PISTADEMOPISTADEMOPISTADEMO23456"  # noqa: S105


def demo_totp_code() -> str:
    """The code an authenticator app shows for the demo secret right now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


@demo_seeder
def accounts_demo_seed(community: Community) -> None:
    """Give the demo owner a TOTP authenticator with the demo secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    from core_apps.accounts.models import User

    owner = User.objects.filter(email=demo_owner_email(community.slug)).first()
    if (
        owner is None
        or Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    ):
        return
    Authenticator.objects.create(
        user=owner, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
    )
