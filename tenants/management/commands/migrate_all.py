"""``migrate_all``: migrate the public schema, the template, then every community."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tenants.services import platform_tenant_ensure, template_prepare


class Command(BaseCommand):
    help = "Migrate public, refresh the template schema and migrate all communities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--executor", default="standard", choices=["standard", "multiprocessing"]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        platform_tenant_ensure()
        if template_prepare():
            self.stdout.write("Template schema rebuilt.")
        call_command(
            "migrate_schemas",
            tenant=True,
            interactive=False,
            verbosity=verbosity,
            executor=options["executor"],
        )
