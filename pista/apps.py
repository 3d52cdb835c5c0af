"""The project package as an app: its system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class PistaConfig(AppConfig):
    name = "pista"

    def ready(self) -> None:
        from pista.secret_key import secret_key_check

        checks.register(secret_key_check, checks.Tags.security, deploy=True)
