"""``migrate_all``: migrate the public schema, the template, then every community.

Only schemas that need it are touched: those behind on migrations and those
whose role groups predate the code's (``tenants.provisioning.fleet``). The
communities go to a pool of processes (``--processes``, default
``PISTA_MIGRATE_PROCESSES``) with progress and an ETA; each schema is finished
on its own, so an interrupted run resumes where it stopped when run again. A
schema that fails is named at the end and the command exits non-zero.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.services import roles_sync
from pista.tasks import task_enqueue_on_commit
from tenants.models import Community
from tenants.provisioning.fleet import (
    FleetProgress,
    communities_bring_current,
    schema_markers_record,
    schemas_with_stale_markers,
)
from tenants.provisioning.selectors import schemas_behind_migrations
from tenants.provisioning.services import platform_tenant_ensure, template_prepare
from tenants.provisioning.tasks import spare_schemas_refill_task, template_dump_take_task
from tenants.provisioning.template import (
    template_dump_forget,
    template_schema_is_current,
    template_schema_name,
)

PROGRESS_EVERY_S = 5.0


class Command(BaseCommand):
    help = "Migrate public, refresh the template schema and bring every community up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Processes migrating communities (default: PISTA_MIGRATE_PROCESSES).",
        )
        parser.add_argument(
            "--executor",
            default=None,
            choices=["standard", "multiprocessing"],
            help="Kept for compatibility: standard = one process, multiprocessing = the default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        processes = (
            settings.PISTA_MIGRATE_PROCESSES
            if options["processes"] is None
            else options["processes"]
        )
        if options["executor"] == "standard":
            processes = 1
        if processes < 1:
            raise CommandError("--processes must be at least 1.")
        behind = schemas_behind_migrations()
        public = get_public_schema_name()
        if public in behind:
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        platform_tenant_ensure()
        if template_prepare():
            self.stdout.write("Template schema rebuilt.")
        self._template_roles_and_dump()
        if settings.PISTA_SPARE_SCHEMAS:
            task_enqueue_on_commit(spare_schemas_refill_task)
        communities = list(
            Community.objects.exclude(schema_name=public).values_list("schema_name", flat=True)
        )
        result = communities_bring_current(
            behind=[schema for schema in behind if schema != public],
            stale=schemas_with_stale_markers(communities),
            processes=processes,
            report=self._reporter(verbosity),
        )
        if verbosity and result.total:
            self.stdout.write(f"Communities brought up to date: {result.line()}")
        if public not in schemas_behind_migrations():
            schema_markers_record(schemas=[public], roles=False)
        if result.failed:
            failures = "; ".join(f"{schema}: {error}" for schema, error in result.failed.items())
            raise CommandError(
                f"{len(result.failed)} schemas failed (run migrate_all again to retry): {failures}"
            )

    @staticmethod
    def _template_roles_and_dump() -> None:
        """The template's role groups follow the code's (new communities are
        its copies), then its dump is taken by a worker, with no time limit:
        past ~1,000 communities ``pg_dump`` reads the catalog for minutes, which
        neither the deploy nor a signup should wait for (signups take spares
        meanwhile; a clone without a dump takes one itself or copies the schema
        another way)."""
        template = template_schema_name()
        if not template_schema_is_current():
            return
        if schemas_with_stale_markers([template]):
            with schema_context(template):
                roles_sync()
            template_dump_forget()
            schema_markers_record(schemas=[template])
        task_enqueue_on_commit(template_dump_take_task)  # a no-op once the dump is kept

    def _reporter(self, verbosity: int) -> Callable[[FleetProgress], None]:
        """A progress line after the first schema, then every few seconds."""
        next_line_at = time.monotonic()

        def report(progress: FleetProgress) -> None:
            nonlocal next_line_at
            if verbosity and progress.done < progress.total and time.monotonic() >= next_line_at:
                next_line_at = time.monotonic() + PROGRESS_EVERY_S
                self.stdout.write(progress.line())

        return report
