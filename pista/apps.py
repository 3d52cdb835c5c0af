"""The project package as an app: its system checks, and the storage limit's
usage counter (the community's public media)."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class PistaConfig(AppConfig):
    name = "pista"

    def ready(self) -> None:
        from pista.billing_hooks import LIMIT_STORAGE_MB, usage_counter_register
        from pista.secret_key import secret_key_check
        from pista.storage import storage_used_mb

        checks.register(secret_key_check, checks.Tags.security, deploy=True)
        usage_counter_register(LIMIT_STORAGE_MB, storage_used_mb)
