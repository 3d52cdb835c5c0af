"""``seed_demo``: the demo communities, idempotently."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tenants.provisioning.demo import demo_seed


class Command(BaseCommand):
    help = "Create (or complete) the demo communities salsa, tango and swing."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in demo_seed():
            self.stdout.write(line)
