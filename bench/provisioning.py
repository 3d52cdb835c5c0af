"""Provisioning benchmark: cloning the template schema vs running every migration.

Run from the repository root: ``.venv/bin/python bench/provisioning.py [--count 20]
[--fleet 200]``. It creates ``--count`` communities through the real provisioning
service (clone of the template) and ``--count`` schemas by running every
migration, then clones ``--fleet`` schemas and times migrating all of them after
one new migration, with django-tenants' sequential and multiprocessing executors.
Everything it creates is removed at the end. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pista.settings")
# DEBUG is off here, so settings need a private key: a throwaway one per run.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.commands.migrate import Command as MigrateCommand  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django_tenants.migration_executors import get_executor  # noqa: E402

from tenants.models import Community  # noqa: E402
from tenants.provisioning.services import community_create, template_prepare  # noqa: E402
from tenants.provisioning.spares import spare_schemas_drain, spare_schemas_refill  # noqa: E402
from tenants.provisioning.template import catalog_statistics_refresh, schema_clone  # noqa: E402

PROBE_APP = "cms"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def drop_schema(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def time_clone_provisioning(
    count: int, tag: str, label: str = "clone"
) -> tuple[list[float], list[Community]]:
    durations, created = [], []
    for index in range(count):
        started = time.perf_counter()
        provisioned = community_create(
            slug=f"bench-{tag}-{label}{index}",
            name=f"Bench {index}",
            owner_email=f"owner{index}@bench.example",
            owner_password=uuid.uuid4().hex,
        )
        durations.append(time.perf_counter() - started)
        created.append(provisioned.community)
        print(f"  {label:<7} #{index + 1:>3}: {durations[-1]:.2f} s", flush=True)
    return durations, created


def time_migrate_provisioning(count: int, tag: str) -> list[float]:
    durations = []
    for index in range(count):
        schema = f"bench_{tag}_m{index}"
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        durations.append(time.perf_counter() - started)
        connection.set_schema_to_public()
        drop_schema(schema)
        print(f"  migrate #{index + 1:>3}: {durations[-1]:.2f} s", flush=True)
    return durations


def probe_migrations_package(workdir: Path) -> str:
    """A copy of the probe app's migrations plus one new migration, importable as
    a package, for ``MIGRATION_MODULES``: the "deploy with a new migration"."""
    package = f"bench_probe_migrations_{uuid.uuid4().hex[:8]}"
    target = workdir / package
    shutil.copytree(Path(settings.BASE_DIR) / PROBE_APP / "migrations", target)
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(PROBE_APP)[0][1]
    (target / "9999_bench_probe.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [({PROBE_APP!r}, {leaf!r})]\n"
        "    operations = [migrations.RunSQL(\n"
        "        'CREATE TABLE bench_probe (id integer PRIMARY KEY)',\n"
        "        'DROP TABLE bench_probe',\n"
        "    )]\n"
    )
    sys.path.insert(0, str(workdir))
    return package


def migrate_fleet(schemas: list[str], executor_name: str) -> float:
    options = vars(MigrateCommand().create_parser("manage.py", "migrate").parse_args([]))
    options.update(verbosity=0, interactive=False, skip_checks=True, database="default")
    executor = get_executor(codename=executor_name)(args=[], options=options)
    started = time.perf_counter()
    executor.run_migrations(tenants=list(schemas))
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def probe_migration_undo(schemas: list[str]) -> None:
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP TABLE IF EXISTS "{schema}".bench_probe')
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                [PROBE_APP, "9999_bench_probe"],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--fleet", type=int, default=200)
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:6]

    template_prepare()
    # The clone path is measured with the spare pool empty and switched off.
    settings.PISTA_SPARE_SCHEMAS = 0
    spare_schemas_drain()
    print(f"Provisioning {args.count} communities by cloning the template…", flush=True)
    clone_s, created = time_clone_provisioning(args.count, tag)
    print(f"Filling the spare-schema pool with {args.count} schemas (background work)…")
    spare_schemas_refill(target_size=args.count)
    print(f"Provisioning {args.count} communities from the spare pool…", flush=True)
    pooled_s, pooled = time_clone_provisioning(args.count, tag, label="pooled")
    created += pooled
    print(f"Creating {args.count} schemas by running every migration…", flush=True)
    migrate_s = time_migrate_provisioning(args.count, tag)

    fleet = [f"bench_{tag}_f{index}" for index in range(args.fleet)]
    workdir = Path(tempfile.mkdtemp(prefix="pista-bench-"))
    sequential_s = parallel_s = 0.0
    try:
        if args.fleet:
            print(f"Cloning a fleet of {args.fleet} schemas…", flush=True)
            fleet_started = time.perf_counter()
            for index, schema in enumerate(fleet, start=1):
                schema_clone(target=schema)
                if index % 50 == 0:
                    catalog_statistics_refresh()
                    print(f"  {index} cloned", flush=True)
            fleet_clone_s = time.perf_counter() - fleet_started
            settings.MIGRATION_MODULES = {PROBE_APP: probe_migrations_package(workdir)}
            print("Migrating the fleet after one new migration (sequential)…", flush=True)
            sequential_s = migrate_fleet(fleet, "standard")
            probe_migration_undo(fleet)
            print("Migrating the fleet after one new migration (multiprocessing)…", flush=True)
            parallel_s = migrate_fleet(fleet, "multiprocessing")
        else:
            fleet_clone_s = 0.0
    finally:
        settings.MIGRATION_MODULES = {}
        shutil.rmtree(workdir, ignore_errors=True)
        for schema in fleet:
            drop_schema(schema)
        for community in created:
            community.delete(force_drop=True)

    result = {
        "count": args.count,
        "clone_median_s": round(statistics.median(clone_s), 3),
        "clone_p95_s": round(percentile(clone_s, 0.95), 3),
        "migrate_median_s": round(statistics.median(migrate_s), 3),
        "migrate_p95_s": round(percentile(migrate_s, 0.95), 3),
        "ratio": round(statistics.median(migrate_s) / statistics.median(clone_s), 1),
        "pooled_median_s": round(statistics.median(pooled_s), 3),
        "pooled_p95_s": round(percentile(pooled_s, 0.95), 3),
        "fleet": args.fleet,
        "fleet_clone_total_s": round(fleet_clone_s, 1),
        "fleet_migrate_sequential_s": round(sequential_s, 1),
        "fleet_migrate_parallel_s": round(parallel_s, 1),
        "parallel_processes": getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2),
    }
    print(
        f"clone: median {result['clone_median_s']} s, p95 {result['clone_p95_s']} s | "
        f"migrate: median {result['migrate_median_s']} s, p95 {result['migrate_p95_s']} s | "
        f"migrate/clone = {result['ratio']}x | from the spare pool: median "
        f"{result['pooled_median_s']} s, p95 {result['pooled_p95_s']} s"
    )
    if args.fleet:
        print(
            f"{args.fleet} schemas after one new migration: sequential "
            f"{result['fleet_migrate_sequential_s']} s, multiprocessing "
            f"{result['fleet_migrate_parallel_s']} s"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
