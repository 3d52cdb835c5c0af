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
from pista.tasks import task_enqueue_on_commit
from tenants.models import Community
from tenants.provisioning.schema_versions import schema_versions_record
from tenants.provisioning.selectors import schemas_behind_migrations
from tenants.provisioning.services import platform_tenant_ensure, template_prepare
from tenants.provisioning.tasks import spare_schemas_refill_task
from tenants.provisioning.template import template_schema_is_current, template_schema_name


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
            task_enqueue_on_commit(spare_schemas_refill_task)
        self._communities_migrate(behind, public, verbosity, options["executor"])
        # Apps that landed since a community was made add permissions to roles.
        for schema in Community.objects.exclude(schema_name=public).values_list(
            "schema_name", flat=True
        ):
            with schema_context(schema):
                roles_sync()
        self._versions_record(public)

    @staticmethod
    def _versions_record(public: str) -> None:
        """Record, for readiness, which schemas now have every migration."""
        still_behind = set(schemas_behind_migrations())
        current = [
            schema
            for schema in [public, *Community.objects.values_list("schema_name", flat=True)]
            if schema not in still_behind
        ]
        if template_schema_is_current():
            current.append(template_schema_name())
        schema_versions_record(schemas=list(dict.fromkeys(current)))

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
