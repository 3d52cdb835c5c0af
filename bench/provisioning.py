"""Provisioning benchmark: cloning the template schema vs running every migration.

Run from the repository root: ``.venv/bin/python bench/provisioning.py [--count 20]
[--fleet 200] [--steps] [--pooled-only]``. It creates ``--count`` communities
through the real provisioning service (clone of the template), ``--count`` by
self-service signup from the spare-schema pool, and ``--count`` schemas by
running every migration, then clones ``--fleet`` schemas and times migrating all
of them after one new migration, with django-tenants' sequential and
multiprocessing executors (``--fleet 0``: no fleet). ``--pooled-only`` times the
pooled signups alone; ``--steps`` prints where each pooled signup spends its
time. Everything it creates is removed at the end. The last line is one JSON object.

``--fleet-steps 1000,2000`` instead grows one fleet of cloned schemas step by
step and measures, at each step, the catalog's size, the memory of one backend
that touched every schema, and the time to migrate the whole fleet after one new
migration (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pista.settings")
# DEBUG is off here, so settings need a private key: a throwaway one per run.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.commands.migrate import Command as MigrateCommand  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django_tenants.migration_executors import get_executor  # noqa: E402
from django_tenants.utils import get_public_schema_name  # noqa: E402

from tenants.models import Community, SchemaVersion  # noqa: E402
from tenants.provisioning import template as template_module  # noqa: E402
from tenants.provisioning.services import (  # noqa: E402
    PASSWORD_HASH_STEP,
    CommunitySignup,
    community_create,
    community_signup,
    template_prepare,
)
from tenants.provisioning.spares import spare_schemas_drain, spare_schemas_refill  # noqa: E402
from tenants.provisioning.steps import provisioning_steps_recorded  # noqa: E402
from tenants.provisioning.template import (  # noqa: E402
    catalog_statistics_refresh,
    schema_clone,
    template_dump_forget,
    template_dump_sql,
    template_schema_name,
)

PROBE_APP = "cms"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def drop_schema(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def time_clone_provisioning(count: int, tag: str) -> tuple[list[float], list[Community]]:
    durations, created = [], []
    for index in range(count):
        started = time.perf_counter()
        provisioned = community_create(
            slug=f"bench-{tag}-clone{index}",
            name=f"Bench {index}",
            owner_email=f"owner{index}@bench.example",
            owner_password=uuid.uuid4().hex,
        )
        durations.append(time.perf_counter() - started)
        created.append(provisioned.community)
        print(f"  clone   #{index + 1:>3}: {durations[-1]:.2f} s", flush=True)
    return durations, created


def time_pooled_signups(
    count: int, tag: str, created: list[Community]
) -> tuple[list[float], list[dict[str, float]]]:
    """Self-service signups (``community_signup``, as the signup page calls it)
    from a pool of spare schemas, each with its steps recorded, after one
    untimed signup (a process's first pays for imports and cold caches); the
    communities are added to ``created``."""
    print(f"Filling the spare-schema pool with {count + 1} schemas (background work)…")
    spare_schemas_refill(target_size=count + 1)
    print(f"Signing up {count} communities from the spare pool…", flush=True)
    created.append(pooled_signup(f"bench-{tag}-warmup", 0).provisioned.community)
    durations: list[float] = []
    steps: list[dict[str, float]] = []
    for index in range(count):
        with provisioning_steps_recorded() as recorded:
            started = time.perf_counter()
            signup = pooled_signup(f"bench-{tag}-pooled{index}", index)
            durations.append(time.perf_counter() - started)
        steps.append(
            {
                **recorded.steps,
                "(rest)": durations[-1] - sum(recorded.steps.values()),
                **{f"{name} (in parallel)": s for name, s in recorded.background.items()},
            }
        )
        created.append(signup.provisioned.community)
        print(f"  pooled  #{index + 1:>3}: {durations[-1]:.3f} s", flush=True)
    return durations, steps


def pooled_signup(slug: str, index: int) -> CommunitySignup:
    return community_signup(
        slug=slug,
        name=f"Bench {index}",
        owner_email=f"owner{index}@bench.example",
        password=uuid.uuid4().hex,
        dance_styles=["salsa"],
        language="en",
        currency="EUR",
        time_zone="Europe/Berlin",
    )


def steps_summary(steps: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per step: median and p95 in milliseconds, slowest median first."""
    names = {name for recorded in steps for name in recorded}
    summary = {
        name: {
            "median_ms": round(statistics.median(s.get(name, 0.0) for s in steps) * 1000, 1),
            "p95_ms": round(percentile([s.get(name, 0.0) for s in steps], 0.95) * 1000, 1),
        }
        for name in names
    }
    return dict(sorted(summary.items(), key=lambda item: -item[1]["median_ms"]))


def communities_drop(communities: list[Community]) -> None:
    """Remove the bench's communities: schemas, rows and schema-version markers."""
    for community in communities:
        community.delete(force_drop=True)
    SchemaVersion.objects.filter(
        schema_name__in=[community.schema_name for community in communities]
    ).delete()


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


def time_migrate_all(fleet: list[str], workdir: Path) -> tuple[float, float]:
    """``migrate_all`` over the fleet as communities: once to settle (their
    role groups and markers), then timed with nothing to apply and with one new
    migration (undone afterwards, in the template and public too)."""
    Community.objects.bulk_create(
        (
            Community(schema_name=schema, slug=schema.replace("_", "-"), name=schema)
            for schema in fleet
        ),
        ignore_conflicts=True,  # a kept fleet's rows, left by an interrupted run
    )
    call_command("migrate_all", verbosity=0)
    started = time.perf_counter()
    call_command("migrate_all", verbosity=0)
    noop_s = time.perf_counter() - started
    print(f"  migrate_all, nothing to apply: {noop_s:.1f} s", flush=True)
    settings.MIGRATION_MODULES = {PROBE_APP: probe_migrations_package(workdir)}
    try:
        started = time.perf_counter()
        call_command("migrate_all", verbosity=1)
        one_s = time.perf_counter() - started
        print(f"  migrate_all, one new migration: {one_s:.1f} s", flush=True)
    finally:
        settings.MIGRATION_MODULES = {}
        probe_migration_undo([*fleet, template_schema_name(), get_public_schema_name()])
        template_dump_forget()
    return noop_s, one_s


def probe_migration_undo(schemas: list[str]) -> None:
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP TABLE IF EXISTS "{schema}".bench_probe')
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                [PROBE_APP, "9999_bench_probe"],
            )


# --- Fleet in steps -------------------------------------------------------------


def fleet_schema_names(tag: str, count: int) -> list[str]:
    return [f"bench_{tag}_f{index}" for index in range(count)]


def existing_schemas(names: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        return {row[0] for row in cursor.fetchall()}


def _clone_worker_init() -> None:
    # Each forked worker opens its own connection; the bench's schemas need not
    # survive a crash, so commits do not wait for the WAL flush.
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")


def _clone_one(schema: str) -> float:
    started = time.perf_counter()
    schema_clone(target=schema)
    return time.perf_counter() - started


def fleet_template_dump() -> None:
    """Take the template's dump for the forked cloners, or stop.

    ``pg_dump`` reads the whole catalog to dump one schema: past ~1,000 schemas
    it outlasts provisioning's 120 s timeout on a busy machine, and provisioning
    then falls back to ``clone_schema``, whose shared helper types make parallel
    clones collide. The bench waits for the dump instead."""
    run = template_module.subprocess.run

    def patient_run(*popenargs: Any, **kwargs: Any) -> Any:
        return run(*popenargs, **{**kwargs, "timeout": 3600})

    template_module.subprocess.run = patient_run
    try:
        started = time.perf_counter()
        if template_dump_sql() is None:
            raise SystemExit("pg_dump of the template failed: see the warning above.")
        print(f"  template dump taken in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        template_module.subprocess.run = run


def fleet_grow(names: list[str], workers: int) -> tuple[int, float]:
    """Clone the schemas of ``names`` that do not exist yet, ``workers`` at a time,
    each exactly as provisioning clones one (``schema_clone``). Returns how many
    were cloned and the wall time."""
    missing = [name for name in names if name not in existing_schemas(names)]
    if not missing:
        return 0, 0.0
    fleet_template_dump()  # taken once here, inherited by the forked workers
    connections.close_all()
    started = time.perf_counter()
    done = 0
    with multiprocessing.get_context("fork").Pool(workers, initializer=_clone_worker_init) as pool:
        for _ in pool.imap_unordered(_clone_one, missing, chunksize=4):
            done += 1
            if done % 200 == 0:
                catalog_statistics_refresh()
                elapsed = time.perf_counter() - started
                print(f"  {done}/{len(missing)} cloned, {elapsed:.0f} s", flush=True)
    catalog_statistics_refresh()
    return done, time.perf_counter() - started


def catalog_figures() -> dict[str, Any]:
    """Rows and on-disk size of the database's own (not shared) system catalogs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        pg_class_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_attribute")
        pg_attribute_rows = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT c.relname, pg_total_relation_size(c.oid)
            FROM pg_class c
            WHERE c.relnamespace = 'pg_catalog'::regnamespace
              AND c.relkind = 'r' AND NOT c.relisshared
            ORDER BY 2 DESC
            """
        )
        sizes = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    return {
        "pg_class_rows": pg_class_rows,
        "pg_attribute_rows": pg_attribute_rows,
        "catalog_bytes": sum(size for _, size in sizes),
        "catalog_top": dict(sizes[:6]),
        "database_bytes": database_bytes,
    }


def _proc_kb(path: str, fields: tuple[str, ...]) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        for line in Path(path).read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in fields:
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def backend_memory(cursor: Any) -> dict[str, int]:
    """The backend's RSS (anonymous part: its private memory), PSS and memory contexts."""
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
    status = _proc_kb(f"/proc/{pid}/status", ("VmRSS", "RssAnon"))
    rollup = _proc_kb(f"/proc/{pid}/smaps_rollup", ("Pss", "Pss_Anon"))
    cursor.execute(
        """
        SELECT coalesce(sum(total_bytes) FILTER (
                   WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext'), 0),
               coalesce(sum(total_bytes), 0)
        FROM pg_backend_memory_contexts
        """
    )
    cache_bytes, contexts_bytes = cursor.fetchone()
    return {
        "rss_kb": status.get("VmRSS", 0),
        "rss_anon_kb": status.get("RssAnon", 0),
        "pss_kb": rollup.get("Pss", 0),
        "cache_context_kb": int(cache_bytes) // 1024,
        "all_contexts_kb": int(contexts_bytes) // 1024,
    }


def backend_touch(schemas: list[str], full_sample: int) -> dict[str, Any]:
    """One new connection: its memory fresh, after one query in every schema (as a
    request sets the tenant's search_path and reads a table), then after planning a
    query on every table of ``full_sample`` schemas (a backend serving every page)."""
    import psycopg

    db = connection.settings_dict
    with (
        psycopg.connect(
            dbname=db["NAME"],
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            autocommit=True,
        ) as conn,
        conn.cursor() as cursor,
    ):
        fresh = backend_memory(cursor)
        started = time.perf_counter()
        for schema in schemas:
            cursor.execute(f'SET search_path = "{schema}", public')
            cursor.execute("SELECT count(*) FROM django_migrations")
        light_s = time.perf_counter() - started
        light = backend_memory(cursor)
        sample = schemas[:full_sample]
        for schema in sample:
            # One transaction per schema: planning locks every table and index,
            # and the whole fleet at once would overflow the lock table.
            cursor.execute(f'SET search_path = "{schema}", public')
            cursor.execute(
                """
                DO $$ DECLARE t text; BEGIN
                  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
                  LOOP EXECUTE format('SELECT 1 FROM %I.%I LIMIT 0', current_schema(), t);
                  END LOOP;
                END $$
                """
            )
        full = backend_memory(cursor)
    return {
        "fresh": fresh,
        "one_query_per_schema": light,
        "one_query_per_schema_s": round(light_s, 1),
        "every_table_sample_schemas": len(sample),
        "every_table_sample": full,
    }


def fleet_steps_run(args: argparse.Namespace) -> None:
    steps = sorted({int(step) for step in args.fleet_steps.split(",") if step.strip()})
    tag = args.fleet_tag or uuid.uuid4().hex[:6]
    names = fleet_schema_names(tag, steps[-1])
    processes = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
    template_prepare()
    workdir = Path(tempfile.mkdtemp(prefix="pista-bench-"))
    probe_package = probe_migrations_package(workdir)
    baseline = catalog_figures()
    print(f"fleet tag {tag}; before the fleet: {json.dumps(baseline)}", flush=True)
    results: list[dict[str, Any]] = []
    try:
        for step in steps:
            fleet = names[:step]
            print(f"Step {step}: cloning up to {step} schemas…", flush=True)
            cloned, clone_s = fleet_grow(fleet, args.clone_workers)
            figures: dict[str, Any] = {
                "schemas": step,
                "cloned": cloned,
                "clone_s": round(clone_s, 1),
                "clone_per_schema_s": round(clone_s / cloned, 3) if cloned else None,
                **catalog_figures(),
            }
            print(f"  catalog: {json.dumps(figures)}", flush=True)
            figures["backend"] = backend_touch(fleet, args.full_touch)
            print(f"  backend: {json.dumps(figures['backend'])}", flush=True)
            settings.MIGRATION_MODULES = {PROBE_APP: probe_package}
            try:
                print(f"  migrating {step} schemas (multiprocessing, {processes})…", flush=True)
                parallel_s = migrate_fleet(fleet, "multiprocessing")
                probe_migration_undo(fleet)
                figures["migrate_parallel_s"] = round(parallel_s, 1)
                figures["migrate_parallel_per_schema_s"] = round(parallel_s / step, 4)
                if args.sequential:
                    print(f"  migrating {step} schemas (sequential)…", flush=True)
                    sequential_s = migrate_fleet(fleet, "standard")
                    probe_migration_undo(fleet)
                    figures["migrate_sequential_s"] = round(sequential_s, 1)
                    figures["migrate_sequential_per_schema_s"] = round(sequential_s / step, 4)
            finally:
                settings.MIGRATION_MODULES = {}
            print(f"step: {json.dumps(figures)}", flush=True)
            results.append(figures)
    finally:
        settings.MIGRATION_MODULES = {}
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            print("Dropping the fleet…", flush=True)
            fleet_drop(tag)

    def per_schema(figures: dict[str, Any], key: str) -> float:
        return (float(figures[key]) - float(baseline[key])) / int(figures["schemas"])

    first = results[0]
    ratios = {}
    for figures in results[1:]:
        ratios[str(figures["schemas"])] = {
            "against": first["schemas"],
            "migrate_per_schema": round(
                float(figures["migrate_parallel_per_schema_s"])
                / float(first["migrate_parallel_per_schema_s"]),
                2,
            ),
            "catalog_bytes_per_schema": round(
                per_schema(figures, "catalog_bytes") / per_schema(first, "catalog_bytes"), 2
            ),
            "pg_class_rows_per_schema": round(
                per_schema(figures, "pg_class_rows") / per_schema(first, "pg_class_rows"), 2
            ),
        }
    print(
        json.dumps(
            {
                "fleet_tag": tag,
                "kept": args.keep,
                "parallel_processes": processes,
                "clone_workers": args.clone_workers,
                "before_fleet": baseline,
                "steps": results,
                "ratios": ratios,
            }
        )
    )


def fleet_drop(tag: str) -> None:
    """Drop every schema of fleet ``tag``, one transaction each (the lock table
    holds a few schemas' worth of relations, not thousands)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"bench\\_{tag}\\_f%"]
        )
        schemas = [row[0] for row in cursor.fetchall()]
    for index, schema in enumerate(schemas, start=1):
        drop_schema(schema)
        if index % 500 == 0:
            print(f"  {index}/{len(schemas)} dropped", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--fleet", type=int, default=200)
    parser.add_argument(
        "--fleet-steps",
        default="",
        help="comma-separated fleet sizes (e.g. 1000,2000): grow one fleet and measure each",
    )
    parser.add_argument("--clone-workers", type=int, default=2)
    parser.add_argument("--full-touch", type=int, default=100)
    parser.add_argument(
        "--sequential", action="store_true", help="also time the sequential executor"
    )
    parser.add_argument("--fleet-tag", default="", help="reuse (or name) a fleet: bench_TAG_fN")
    parser.add_argument("--keep", action="store_true", help="keep the fleet's schemas")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=0,
        help="time the executor baseline on this many of the fleet, scaled (0: all)",
    )
    parser.add_argument("--drop-fleet", default="", metavar="TAG", help="drop a kept fleet, exit")
    parser.add_argument(
        "--steps", action="store_true", help="print where each pooled signup spends its time"
    )
    parser.add_argument(
        "--pooled-only",
        action="store_true",
        help="time the signups from the spare pool only (no clones, migrations or fleet)",
    )
    args = parser.parse_args()
    if args.drop_fleet:
        fleet_drop(args.drop_fleet)
        return
    if args.fleet_steps:
        fleet_steps_run(args)
        return
    tag = uuid.uuid4().hex[:6]

    template_prepare()
    # The clone path is measured with the spare pool empty, and the pool is
    # never refilled behind the bench's back: it fills the pool itself.
    settings.PISTA_SPARE_SCHEMAS = 0
    spare_schemas_drain()
    if args.pooled_only:
        pooled_only_run(args, tag)
        return
    print(f"Provisioning {args.count} communities by cloning the template…", flush=True)
    clone_s, created = time_clone_provisioning(args.count, tag)
    try:
        pooled_s, pooled_steps = time_pooled_signups(args.count, tag, created)
    finally:
        spare_schemas_drain()
    print(f"Creating {args.count} schemas by running every migration…", flush=True)
    migrate_s = time_migrate_provisioning(args.count, tag)

    # A kept fleet (--keep) is found again by its tag (--fleet-tag): only the
    # schemas it lacks are cloned.
    fleet = fleet_schema_names(args.fleet_tag or tag, args.fleet)
    workdir = Path(tempfile.mkdtemp(prefix="pista-bench-"))
    sequential_s = parallel_s = 0.0
    try:
        if args.fleet:
            print(f"Cloning a fleet of {args.fleet} schemas…", flush=True)
            _, fleet_clone_s = fleet_grow(fleet, args.clone_workers)
            migrate_noop_s, migrate_one_s = time_migrate_all(fleet, workdir)
            settings.MIGRATION_MODULES = {PROBE_APP: probe_migrations_package(workdir)}
            if args.sequential:
                print("Migrating the fleet after one new migration (sequential)…", flush=True)
                sequential_s = migrate_fleet(fleet, "standard")
                probe_migration_undo(fleet)
            sample = fleet[: args.baseline_sample] if args.baseline_sample else fleet
            print(
                f"Migrating {len(sample)} of the fleet after one new migration "
                "(django-tenants' multiprocessing executor)…",
                flush=True,
            )
            # Scaled to the whole fleet: the executor's time per schema is flat.
            parallel_s = migrate_fleet(sample, "multiprocessing") * len(fleet) / len(sample)
            probe_migration_undo(sample)
        else:
            fleet_clone_s = migrate_noop_s = migrate_one_s = 0.0
    finally:
        settings.MIGRATION_MODULES = {}
        shutil.rmtree(workdir, ignore_errors=True)
        Community.objects.filter(schema_name__in=fleet).delete()
        SchemaVersion.objects.filter(schema_name__in=fleet).delete()
        template_dump_forget()
        if not args.keep:
            for schema in fleet:
                drop_schema(schema)
        communities_drop(created)

    result = {
        "count": args.count,
        "clone_median_s": round(statistics.median(clone_s), 3),
        "clone_p95_s": round(percentile(clone_s, 0.95), 3),
        "migrate_median_s": round(statistics.median(migrate_s), 3),
        "migrate_p95_s": round(percentile(migrate_s, 0.95), 3),
        "ratio": round(statistics.median(migrate_s) / statistics.median(clone_s), 1),
        **pooled_figures(pooled_s, pooled_steps),
        "fleet": args.fleet,
        "fleet_clone_total_s": round(fleet_clone_s, 1),
        "fleet_migrate_sequential_s": round(sequential_s, 1),
        "fleet_migrate_parallel_s": round(parallel_s, 1),
        "migrate_noop_s": round(migrate_noop_s, 1),
        "migrate_one_s": round(migrate_one_s, 1),
        "migrate_one_ratio": round(migrate_one_s / parallel_s, 3) if parallel_s else None,
        "parallel_processes": getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2),
    }
    if args.steps:
        result["pooled_steps"] = steps_print(pooled_steps)
    print(
        f"clone: median {result['clone_median_s']} s, p95 {result['clone_p95_s']} s | "
        f"migrate: median {result['migrate_median_s']} s, p95 {result['migrate_p95_s']} s | "
        f"migrate/clone = {result['ratio']}x | from the spare pool: median "
        f"{result['pooled_median_s']} s, p95 {result['pooled_p95_s']} s"
    )
    if args.fleet:
        print(
            f"migrate_all over {args.fleet} communities: nothing to apply "
            f"{result['migrate_noop_s']} s, one new migration {result['migrate_one_s']} s"
        )
        print(
            f"{args.fleet} schemas after one new migration: sequential "
            f"{result['fleet_migrate_sequential_s']} s, multiprocessing "
            f"{result['fleet_migrate_parallel_s']} s"
        )
    print(json.dumps(result))


def pooled_figures(durations: list[float], steps: list[dict[str, float]]) -> dict[str, float]:
    """The pooled signups' keys; ``pooled_hash_median_s``: the owner's password
    hash alone (computed beside the rest of the signup, which waits for it)."""
    hashes = [recorded.get(f"{PASSWORD_HASH_STEP} (in parallel)", 0.0) for recorded in steps]
    return {
        "pooled_median_s": round(statistics.median(durations), 3),
        "pooled_p95_s": round(percentile(durations, 0.95), 3),
        "pooled_hash_median_s": round(statistics.median(hashes), 3),
    }


def steps_print(steps: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    summary = steps_summary(steps)
    print("Pooled signup, per step (median / p95, ms):")
    for name, figures in summary.items():
        print(f"  {name:<18} {figures['median_ms']:>7.1f} {figures['p95_ms']:>7.1f}")
    return summary


def pooled_only_run(args: argparse.Namespace, tag: str) -> None:
    created: list[Community] = []
    try:
        pooled_s, pooled_steps = time_pooled_signups(args.count, tag, created)
    finally:
        spare_schemas_drain()
        communities_drop(created)
    result: dict[str, Any] = {"count": args.count, **pooled_figures(pooled_s, pooled_steps)}
    if args.steps:
        result["pooled_steps"] = steps_print(pooled_steps)
    print(
        f"from the spare pool: median {result['pooled_median_s']} s, p95 {result['pooled_p95_s']} s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
