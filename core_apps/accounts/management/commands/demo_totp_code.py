"""``demo_totp_code``: the current two-factor code of the demo owners."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core_apps.accounts.demo import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo owner accounts (published demo secret)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_totp_code())
        self.stderr.write(
            f"(demo secret {DEMO_TOTP_SECRET}; codes change every 30 s and work once each)"
        )
