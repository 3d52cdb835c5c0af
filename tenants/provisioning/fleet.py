"""Bringing every community schema up to the code: migrations and role groups.

Only schemas that need it are touched: those behind on migrations (one query
per chunk of schemas, ``schemas_behind_migrations``) and those whose recorded
fingerprints (:class:`~tenants.models.SchemaVersion`) differ from the code's.
Each schema is finished on its own — migrated, its role groups synced, its
marker recorded — so an interrupted run resumes where it stopped when run
again. Schemas go to a pool of processes, and progress (done/total, rate, ETA)
is reported as they finish.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connection, connections, transaction
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState
from django.db.models import Q
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import schema_context, schema_exists

from core_apps.accounts.roles import roles_fingerprint
from core_apps.accounts.services import roles_sync
from tenants.models import SchemaVersion
from tenants.provisioning.schema_versions import code_migrations_version

logger = logging.getLogger(__name__)


@dataclass
class FleetProgress:
    """Where a fleet run stands; ``failed`` maps a schema to its error."""

    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Schemas finished per second so far."""
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float:
        """Seconds left at the current rate (0 when unknown or finished)."""
        return (self.total - self.done) / self.rate if self.rate else 0.0

    def line(self) -> str:
        minutes, seconds = divmod(round(self.eta_s), 60)
        return (
            f"{self.done}/{self.total} schemas ({self.rate:.1f}/s, ETA {minutes}m{seconds:02d}s"
            + (f", {len(self.failed)} failed" if self.failed else "")
            + ")"
        )


def schemas_with_stale_markers(schemas: list[str]) -> list[str]:
    """Of ``schemas``, those without a marker for the code's migrations and roles."""
    current = set(
        SchemaVersion.objects.filter(
            Q(schema_name__in=schemas)
            & Q(version=code_migrations_version())
            & Q(roles_version=roles_fingerprint())
        ).values_list("schema_name", flat=True)
    )
    return [schema for schema in schemas if schema not in current]


def schemas_with_current_roles(schemas: list[str]) -> set[str]:
    """Of ``schemas``, those whose role groups were synced with the code's roles."""
    return set(
        SchemaVersion.objects.filter(
            schema_name__in=schemas, roles_version=roles_fingerprint()
        ).values_list("schema_name", flat=True)
    )


def schema_markers_record(*, schemas: list[str], roles: bool = True) -> None:
    """Record that ``schemas`` have every migration (and, with ``roles``, the
    code's role groups)."""
    defaults = {"version": code_migrations_version()}
    if roles:
        defaults["roles_version"] = roles_fingerprint()
    for schema in schemas:
        SchemaVersion.objects.update_or_create(schema_name=schema, defaults=defaults)


def communities_bring_current(
    *,
    behind: list[str],
    stale: list[str],
    processes: int,
    report: Callable[[FleetProgress], None] = lambda progress: None,
) -> FleetProgress:
    """Migrate the ``behind`` schemas and re-sync roles in those and the
    ``stale`` ones, with up to ``processes`` processes. A failing schema is
    reported in the result; the others carry on."""
    migrating = set(behind)
    touched = [*behind, *(schema for schema in dict.fromkeys(stale) if schema not in migrating)]
    roles_current = schemas_with_current_roles(touched)
    work = [(schema, schema in migrating, schema not in roles_current) for schema in touched]
    progress = FleetProgress(total=len(work))
    if not work:
        return progress
    with _migration_table_found_by_name():
        if processes <= 1 or len(work) == 1:
            outcomes = map(_schema_bring_current, work)
            _collect(outcomes, progress, report)
            return progress
        # Children open their own connections; a parent's must not be shared.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(processes=min(processes, len(work))) as pool:
            _collect(pool.imap_unordered(_schema_bring_current, work), progress, report)
    return progress


@contextmanager
def _migration_table_found_by_name() -> Iterator[None]:
    """While the fleet migrates, Django's "is there a migration table?" asks
    for that one table by name instead of listing the schema's tables.

    ``MigrationRecorder.has_table`` lists tables through the catalog, and
    ``pg_class`` has no index on the namespace: with a schema per community
    each call scans every community's relations (about 900 each), twice per
    schema migrated (the loader's recorder and the executor's) — most of a
    table-only migration's time at 1,000 communities. ``to_regclass`` on the
    schema-qualified name is one index lookup. Patched in this process (and
    the forked pool's) for the run only."""
    original = MigrationRecorder.has_table

    def has_table(recorder: MigrationRecorder) -> bool:
        if not recorder._has_table:
            schema = recorder.connection.schema_name
            table = recorder.Migration._meta.db_table
            with recorder.connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}"."{table}"'])
                row = cursor.fetchone()
            recorder._has_table = bool(row and row[0])
        return bool(recorder._has_table)

    MigrationRecorder.has_table = has_table  # type: ignore[method-assign]
    try:
        yield
    finally:
        MigrationRecorder.has_table = original  # type: ignore[method-assign]


def _collect(
    outcomes: Iterable[tuple[str, str]],
    progress: FleetProgress,
    report: Callable[[FleetProgress], None],
) -> None:
    for schema, error in outcomes:
        progress.done += 1
        if error:
            progress.failed[schema] = error
        report(progress)


def _schema_bring_current(item: tuple[str, bool, bool]) -> tuple[str, str]:
    """Migrate one schema (when behind), sync its roles (when the code's changed
    since), record its marker. Returns (schema, error text or "")."""
    schema, migrate, sync_roles = item
    try:
        if not schema_exists(schema):
            raise LookupError(f"schema {schema} does not exist")
        if migrate and not _schema_migrate_lean(schema):
            # Each migration in its own transaction, as ``migrate`` does.
            run_migrations(
                args=[],
                options=_migrate_options(),
                executor_codename="fleet",
                schema_name=schema,
            )
        with transaction.atomic():
            if sync_roles:
                with schema_context(schema):
                    roles_sync()
            schema_markers_record(schemas=[schema])
    except Exception as exc:  # reported per schema; the run goes on
        logger.exception("Bringing schema %s up to date failed", schema)
        return schema, f"{type(exc).__name__}: {exc}"
    return schema, ""


# Operations that change tables but not the set of models, their options or
# rows: no content type, permission or reference-index work follows them, so
# ``migrate``'s pre/post signals have nothing to do.
LEAN_OPERATIONS = (
    operations.AddField,
    operations.AlterField,
    operations.RemoveField,
    operations.RenameField,
    operations.AddIndex,
    operations.RemoveIndex,
    operations.RenameIndex,
    operations.AddConstraint,
    operations.RemoveConstraint,
    operations.AlterUniqueTogether,
    operations.AlterIndexTogether,
    operations.RunSQL,
)
# Project states before a plan, rendered once per process and set of applied
# migrations: every community at the same point shares one.
_states_before: dict[frozenset[tuple[str, str]], ProjectState] = {}


def _schema_migrate_lean(schema: str) -> bool:
    """Apply the pending migrations of ``schema`` without ``migrate``'s command
    machinery, when every pending operation is a table change (``LEAN_OPERATIONS``):
    the state before the plan is rendered once per process instead of per
    schema, and the signals are skipped. Returns False, changing nothing, when
    the plan needs the full command (new, renamed or removed models, data
    migrations, a schema without its migration table)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".django_migrations'])
        row = cursor.fetchone()
    if not (row and row[0]):
        return False
    with schema_context(schema):
        executor = MigrationExecutor(connection)
        executor.loader.check_consistent_history(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if not plan or not all(
            not backwards and all(isinstance(op, LEAN_OPERATIONS) for op in migration.operations)
            for migration, backwards in plan
        ):
            return not plan
        graph = executor.loader.graph
        applied = frozenset(key for key in executor.loader.applied_migrations if key in graph.nodes)
        if applied not in _states_before:
            _states_before.clear()
            state = executor.loader.project_state(nodes=sorted(applied), at_end=True)
            state.apps  # noqa: B018 - render the models once, here
            _states_before[applied] = state
        executor.migrate(targets, plan=plan, state=_states_before[applied].clone())
        return True


def _migrate_options() -> dict[str, object]:
    options = vars(MigrateCommand().create_parser("manage.py", "migrate").parse_args([]))
    options.update(verbosity=0, interactive=False, skip_checks=True, database="default")
    return options
