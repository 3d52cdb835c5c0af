"""Backup and restore of one community (``manage.py community_backup`` /
``community_restore``; runbook: docs/operations/restore-a-community.md).

An archive is a gzipped tar holding:

- ``manifest.json`` — format version, slug, schema, when, the migrations the
  schema had, what is inside;
- ``schema.sql`` — ``pg_dump`` of the community's schema (structure and rows,
  identifiers quoted, rows as ``COPY`` blocks);
- ``public.json`` — its rows in the public schema: the community, its domains,
  its founder's acceptances of the platform's terms;
- ``files/default/…`` and ``files/private/…`` — every media and private file
  under the community's prefix, read through the storage API (local disk or S3).

A restore recreates the community under the slug it is given: the same slug
after a loss, or a new one (the schema is renamed while it is loaded, the
platform sub-domain follows the slug, custom domains another community holds
are left out). A slug or schema that exists is refused: a restore never
overwrites a community. Pending outbox messages come back with the schema and
are delivered by the beat sweep, so nothing in flight is lost.
"""

from __future__ import annotations

import io
import json
import logging
import os
import posixpath
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage, storages
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from cms.services import site_hostname_set
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError, Conflict, NotFound
from pista.storage import tenant_files
from pista.tenancy import public_schema_activate
from tenants.current import community_default_domain
from tenants.lifecycle.services.deletion import tenant_cache_purge
from tenants.models import Community, Domain, PlatformTermsAcceptance
from tenants.provisioning.schema_versions import schema_versions_record
from tenants.provisioning.services import schema_name_for_slug
from tenants.provisioning.template import pg_dump_path, provisioning_lock, template_schema_name
from tenants.routing.services import domain_cache_forget
from tenants.validators import validate_community_slug

logger = logging.getLogger(__name__)

ARCHIVE_FORMAT = 1
# `--to storage:backups/` / `--from storage:backups/NAME`: the platform's private
# storage (django-storages: S3 when configured, else PISTA_PRIVATE_ROOT/public/).
STORAGE_PREFIX = "storage:"
FILE_ALIASES = ("default", "private")
PG_DUMP_TIMEOUT_S = 3600


class BackupError(ApplicationError):
    default_code = "backup_failed"


class InvalidArchive(ApplicationError):
    default_code = "invalid_archive"


class RestoreTargetTaken(Conflict):
    default_code = "restore_target_taken"


class CommunityNotFound(NotFound):
    default_code = "community_not_found"


@dataclass
class BackupReport:
    path: str
    slug: str
    schema: str
    size_bytes: int
    files: dict[str, int]
    domains: list[str]


@dataclass
class RestoreReport:
    slug: str
    schema: str
    source_slug: str
    domains: list[str]
    skipped_domains: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    migrated: bool = False


def _storage(alias: str) -> Storage:
    return default_storage if alias == "default" else storages[alias]


def pg_dump_required() -> str:
    """The ``pg_dump`` to use (``PISTA_PG_DUMP``, the embedded server's, PATH), or
    BackupError naming the ways to provide one."""
    executable = pg_dump_path()
    if executable is None or not Path(executable).exists():
        raise BackupError(
            "No pg_dump found: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client) or set PISTA_PG_DUMP to one "
            "whose major version is at least the server's.",
            code="pg_dump_missing",
        )
    return executable


def _schema_dump(schema: str, out: IO[bytes]) -> None:
    db = connection.settings_dict
    command = [
        pg_dump_required(),
        "--schema",
        schema,
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-tablespaces",
        "--quote-all-identifiers",
        "--dbname",
        str(db["NAME"]),
    ]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    environment = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    try:
        completed = subprocess.run(  # noqa: S603 fixed arguments, no shell
            command,
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=PG_DUMP_TIMEOUT_S,
            env=environment,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"pg_dump failed: {exc}", code="pg_dump_failed") from exc
    if completed.returncode != 0:
        detail = completed.stderr.decode(errors="replace").strip()[:500]
        raise BackupError(f"pg_dump failed: {detail}", code="pg_dump_failed")


def _public_rows(community: Community) -> str:
    objects: list[Any] = [community]
    objects += list(Domain.objects.filter(tenant=community).order_by("-is_primary", "pk"))
    objects += list(PlatformTermsAcceptance.objects.filter(community=community).order_by("pk"))
    return serializers.serialize("json", objects, indent=1)


def _applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return {(app, name) for app, name in cursor.fetchall()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _archive_name(slug: str) -> str:
    return f"pista-{slug}-{timezone.now().strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def _platform_storage() -> Storage:
    return storages["private"]


def community_backup(*, slug: str, to: str | os.PathLike[str]) -> BackupReport:
    """Write community ``slug``'s archive to ``to``: a local file name or directory
    (parent directories are created), or ``storage:NAME`` / ``storage:DIR/`` in the
    platform's private storage (S3 when configured). Audited in the public schema.

    Raises CommunityNotFound, BackupError (no usable ``pg_dump``, or it failed).
    """
    public_schema_activate()
    community = Community.objects.filter(slug=slug).first()
    if community is None or community.schema_name == get_public_schema_name():
        raise CommunityNotFound(f"No community with the slug {slug!r}.")
    destination = str(to)
    if destination.startswith(STORAGE_PREFIX):
        name = destination[len(STORAGE_PREFIX) :]
        if not name or name.endswith("/"):
            name += _archive_name(slug)
        with tempfile.TemporaryDirectory() as local:
            report = _backup_write(community, Path(local) / posixpath.basename(name))
            with open(report.path, "rb") as handle:
                saved = _platform_storage().save(name, File(handle, name=name))
        report.path = STORAGE_PREFIX + saved
        _backup_audit(community, report)
        return report
    target = Path(to)
    if target.is_dir() or destination.endswith(os.sep):
        target = target / _archive_name(slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = _backup_write(community, target)
    _backup_audit(community, report)
    return report


def _backup_audit(community: Community, report: BackupReport) -> None:
    audit_record(
        "community.backup",
        target=community,
        data={"schema": report.schema, "path": report.path, "files": report.files},
    )


def _backup_write(community: Community, target: Path) -> BackupReport:
    slug, schema = community.slug, community.schema_name

    public_json = _public_rows(community)
    domains = list(community.domains.values_list("domain", flat=True))
    migrations = sorted(_applied_migrations(schema))
    files: dict[str, int] = {}
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryFile() as dump:
        _schema_dump(schema, dump)
        dump_size = dump.tell()
        dump.seek(0)
        with tarfile.open(partial, "w:gz") as archive:
            info = tarfile.TarInfo("schema.sql")
            info.size = dump_size
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, dump)
            _add_bytes(archive, "public.json", public_json.encode())
            with schema_context(schema):
                for alias in FILE_ALIASES:
                    storage = _storage(alias)
                    files[alias] = 0
                    for name in tenant_files(storage):
                        with storage.open(name, "rb") as handle:
                            data = handle.read()
                        _add_bytes(archive, f"files/{alias}/{name}", data)
                        files[alias] += 1
            manifest = {
                "format": ARCHIVE_FORMAT,
                "slug": slug,
                "schema": schema,
                "created": timezone.now().isoformat(),
                "migrations": migrations,
                "domains": domains,
                "files": files,
            }
            _add_bytes(
                archive,
                "manifest.json",
                json.dumps(manifest, indent=1, cls=DjangoJSONEncoder).encode(),
            )
    partial.replace(target)
    return BackupReport(
        path=str(target),
        slug=slug,
        schema=schema,
        size_bytes=target.stat().st_size,
        files=files,
        domains=domains,
    )


# --- restore -------------------------------------------------------------

# Session settings and psql meta-commands in a dump: the restore runs on
# Django's own connection, whose search_path must survive it.
_SESSION_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config\(|\\)")


def _sql_blocks(lines: Iterable[str], *, source: str, target: str) -> Iterator[tuple[str, Any]]:
    """Split a plain ``pg_dump`` into ("sql", statements) and ("copy", (header,
    rows)) blocks, renaming the quoted schema identifier ``"source"`` to
    ``"target"`` outside the rows (which are never touched)."""
    old, new = f'"{source}"', f'"{target}"'
    pending: list[str] = []
    iterator = iter(lines)
    for line in iterator:
        if _SESSION_LINE.match(line):
            continue
        if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
            if pending:
                yield "sql", "".join(pending).replace(old, new)
                pending = []
            rows: list[str] = []
            for row in iterator:
                if row.rstrip("\n") == "\\.":
                    break
                rows.append(row)
            yield "copy", (line.rstrip().rstrip(";").replace(old, new), rows)
            continue
        pending.append(line)
    if pending:
        yield "sql", "".join(pending).replace(old, new)


def _schema_load(sql: IO[bytes], *, source: str, target: str) -> None:
    lines = io.TextIOWrapper(sql, encoding="utf-8", newline="\n")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for kind, block in _sql_blocks(lines, source=source, target=target):
            if kind == "sql":
                if block.strip():
                    cursor.execute(block)
            else:
                header, rows = block
                with raw.copy(header) as copy:
                    for row in rows:
                        copy.write(row)


@dataclass
class _Archive:
    manifest: dict[str, Any]
    public: list[Any]
    tar: tarfile.TarFile

    def member(self, name: str) -> IO[bytes]:
        handle = self.tar.extractfile(name)
        if handle is None:
            raise InvalidArchive(f"The archive has no {name}.")
        return handle

    def files(self, alias: str) -> Iterator[tuple[str, IO[bytes]]]:
        prefix = f"files/{alias}/"
        for info in self.tar.getmembers():
            if info.isfile() and info.name.startswith(prefix):
                name = info.name[len(prefix) :]
                if name.startswith("/") or ".." in name.split("/"):
                    raise InvalidArchive(f"Unsafe file name in the archive: {info.name!r}.")
                handle = self.tar.extractfile(info)
                if handle is not None:
                    yield name, handle


def _archive_local(path: str | os.PathLike[str]) -> str | os.PathLike[str]:
    """A local file holding the archive: ``path`` itself, or a copy of the
    ``storage:NAME`` object in a temporary file (removed once opened)."""
    source = str(path)
    if not source.startswith(STORAGE_PREFIX):
        return path
    name = source[len(STORAGE_PREFIX) :]
    storage = _platform_storage()
    if not name or not storage.exists(name):
        raise InvalidArchive(f"No archive at {source}.")
    with (
        tempfile.NamedTemporaryFile(suffix=".tar.gz", delete=False) as local,
        storage.open(name, "rb") as remote,
    ):
        for chunk in iter(lambda: remote.read(1024 * 1024), b""):
            local.write(chunk)
    return local.name


def _archive_open(path: str | os.PathLike[str]) -> _Archive:
    local = _archive_local(path)
    try:
        tar = tarfile.open(local, "r:gz")  # noqa: SIM115 - closed by the caller
    except FileNotFoundError as exc:
        raise InvalidArchive(f"No archive at {path}.") from exc
    except (tarfile.TarError, OSError) as exc:
        raise InvalidArchive(f"{path} is not a community archive: {exc}") from exc
    finally:
        if local != path:
            os.unlink(local)  # the open archive keeps its data
    try:
        manifest_file = tar.extractfile("manifest.json")
        public_file = tar.extractfile("public.json")
        if manifest_file is None or public_file is None:
            raise KeyError("manifest.json")
        manifest = json.load(manifest_file)
        public = list(serializers.deserialize("json", public_file.read()))
    except (KeyError, ValueError, serializers.base.DeserializationError) as exc:
        tar.close()
        raise InvalidArchive(f"{path} is not a community archive: {exc}") from exc
    if manifest.get("format") != ARCHIVE_FORMAT:
        tar.close()
        raise InvalidArchive(
            f"Unknown archive format {manifest.get('format')!r} "
            f"(this version reads {ARCHIVE_FORMAT})."
        )
    return _Archive(manifest=manifest, public=public, tar=tar)


def _restore_target_check(*, slug: str, schema: str) -> None:
    try:
        validate_community_slug(slug)
    except ValidationError as exc:
        raise InvalidArchive(exc.messages[0], code="invalid_slug") from exc
    if (
        Community.objects.filter(slug=slug).exists()
        or Community.objects.filter(schema_name=schema).exists()
    ):
        raise RestoreTargetTaken(
            f"A community with the slug {slug!r} exists: a restore never overwrites one. "
            "Restore into a new slug, or delete that community first.",
            code="slug_taken",
        )
    if schema_exists(schema) or schema == template_schema_name():
        raise RestoreTargetTaken(
            f"The schema {schema!r} exists in the database: a restore never overwrites one.",
            code="schema_taken",
        )


def _public_rows_restore(
    archive: _Archive, *, slug: str, schema: str, report: RestoreReport
) -> Community:
    source_slug = archive.manifest["slug"]
    communities = [d.object for d in archive.public if isinstance(d.object, Community)]
    if len(communities) != 1:
        raise InvalidArchive("The archive must hold exactly one community.")
    original = communities[0]
    created = original.created
    community = original
    community.pk = None
    community.slug = slug
    community.schema_name = schema
    community.save(force_insert=True)
    Community.objects.filter(pk=community.pk).update(created=created)

    old_default = community_default_domain(source_slug)
    domains = [d.object for d in archive.public if isinstance(d.object, Domain)]
    rows: list[Domain] = []
    primary_lost = False
    for domain in domains:
        if domain.domain == old_default:
            domain.domain = community_default_domain(slug)
            domain.status = Domain.Status.VERIFIED
        elif Domain.objects.filter(domain=domain.domain).exists():
            report.skipped_domains.append(domain.domain)
            primary_lost = primary_lost or domain.is_primary
            continue
        rows.append(domain)
    if not any(d.domain == community_default_domain(slug) for d in rows):
        rows.append(Domain(domain=community_default_domain(slug), status=Domain.Status.VERIFIED))
    if primary_lost or not any(d.is_primary for d in rows):
        for domain in rows:
            domain.is_primary = domain.domain == community_default_domain(slug)
    for domain in sorted(rows, key=lambda d: not d.is_primary):
        added = domain.added_at
        domain.pk = None
        domain.tenant = community
        domain.save(force_insert=True)
        Domain.objects.filter(pk=domain.pk).update(added_at=added)
        report.domains.append(domain.domain)

    # The founder's acceptances outlive a deleted community (community unset,
    # slug kept): link those back, or bring the archived ones back.
    orphans = PlatformTermsAcceptance.objects.filter(
        community__isnull=True, community_slug=source_slug
    )
    if orphans.exists():
        orphans.update(community=community)
    else:
        for item in archive.public:
            acceptance = item.object
            if not isinstance(acceptance, PlatformTermsAcceptance):
                continue
            accepted = acceptance.accepted_at
            acceptance.pk = None
            acceptance.community = community
            acceptance.save(force_insert=True)
            PlatformTermsAcceptance.objects.filter(pk=acceptance.pk).update(accepted_at=accepted)
    return community


def community_restore(
    *, path: str | os.PathLike[str], slug: str, operator: Any = None
) -> RestoreReport:
    """Recreate the community archived at ``path`` under ``slug``: schema, public
    rows, files. The schema and rows load in one transaction; an older archive is
    then migrated to the code's migrations. Audited in the public schema.

    Raises InvalidArchive, RestoreTargetTaken (the slug, its schema or the schema
    exists: nothing is overwritten).
    """
    slug = slug.strip().lower()
    schema = schema_name_for_slug(slug)
    public_schema_activate()
    archive = _archive_open(path)
    try:
        source_schema = archive.manifest["schema"]
        loader = MigrationLoader(None, ignore_no_migrations=True)
        known = set(loader.graph.nodes)
        archived = {(app, name) for app, name in archive.manifest.get("migrations", [])}
        # Migrations a squash replaced stay recorded in schemas that ran them.
        unknown = archived - known - set(loader.disk_migrations)
        if unknown:
            first = sorted(unknown)[0]
            raise InvalidArchive(
                f"The archive has migrations this version does not know ({first[0]}."
                f"{first[1]} and {len(unknown) - 1} more): restore it with the version "
                "that made it.",
                code="archive_too_new",
            )
        report = RestoreReport(
            slug=slug, schema=schema, source_slug=archive.manifest["slug"], domains=[]
        )
        with provisioning_lock():
            with transaction.atomic():
                _restore_target_check(slug=slug, schema=schema)
                _schema_load(archive.member("schema.sql"), source=source_schema, target=schema)
                community = _public_rows_restore(archive, slug=slug, schema=schema, report=report)
                if report.source_slug != slug:
                    with schema_context(schema):
                        # The primary domain was saved first.
                        site_hostname_set(hostname=report.domains[0])
            public_schema_activate()
            if not known <= _applied_migrations(schema):
                call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
                report.migrated = True
            schema_versions_record(schemas=[schema])
        with schema_context(schema):
            for alias in FILE_ALIASES:
                storage = _storage(alias)
                report.files[alias] = 0
                for name, handle in archive.files(alias):
                    if storage.exists(name):
                        storage.delete(name)
                    storage.save(name, File(handle, name=name))
                    report.files[alias] += 1
    finally:
        archive.tar.close()
    public_schema_activate()
    tenant_cache_purge(schema=schema)
    domain_cache_forget([*report.domains, *report.skipped_domains])
    with schema_context(get_public_schema_name()):
        audit_record(
            "community.restore",
            actor=operator,
            target=community,
            data={
                "schema": schema,
                "from": str(path),
                "source_slug": report.source_slug,
                "archived": archive.manifest.get("created"),
                "skipped_domains": report.skipped_domains,
            },
        )
    logger.info("Community %s restored from %s: %s", slug, path, report)
    return report


def archive_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What an archive holds (``community_restore --dry-run``)."""
    archive = _archive_open(path)
    archive.tar.close()
    return archive.manifest


__all__ = [
    "BackupError",
    "InvalidArchive",
    "RestoreTargetTaken",
    "archive_manifest",
    "community_backup",
    "community_restore",
    "pg_dump_required",
]
