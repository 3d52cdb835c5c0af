"""``migrate_all``: migrate the public schema, the template, then every community.

Schemas that already have every migration applied are skipped, so a second
``make run`` doesn't pay for a full ``migrate_schemas`` pass.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.services import roles_sync
from tenants.models import Community
from tenants.selectors import schemas_behind_migrations
from tenants.services import platform_tenant_ensure, template_prepare
from tenants.tasks import spare_schemas_refill_task


class Command(BaseCommand):
    help = "Migrate public, refresh the template schema and migrate all communities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--executor", default="standard", choices=["standard", "multiprocessing"]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        behind = schemas_behind_migrations()
        public = get_public_schema_name()
        if public in behind:
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        platform_tenant_ensure()
        if template_prepare():
            self.stdout.write("Template schema rebuilt.")
        if settings.PISTA_SPARE_SCHEMAS:
            spare_schemas_refill_task.delay()
        self._communities_migrate(behind, public, verbosity, options["executor"])
        # Apps that landed since a community was made add permissions to roles.
        for schema in Community.objects.exclude(schema_name=public).values_list(
            "schema_name", flat=True
        ):
            with schema_context(schema):
                roles_sync()

    def _communities_migrate(
        self, behind: list[str], public: str, verbosity: int, executor: str
    ) -> None:
        communities_behind = [schema for schema in behind if schema != public]
        if len(communities_behind) == 1:
            call_command(
                "migrate_schemas",
                schema_name=communities_behind[0],
                interactive=False,
                verbosity=verbosity,
            )
        elif communities_behind:
            call_command(
                "migrate_schemas",
                tenant=True,
                interactive=False,
                verbosity=verbosity,
                executor=executor,
            )
