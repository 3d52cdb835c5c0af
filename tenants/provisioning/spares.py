"""A small pool of spare schemas made ahead of time, so signup doesn't wait for a clone.

Spares are made in the background (``spare_schemas_refill``, queued through the
outbox after every signup and by the beat): a clone of the template whose
Wagtail home page and Site are already published under a placeholder name
(``cms.services.site_starter_prepare``). A signup takes one with
``spare_schema_take`` and renames it (``spare_schema_rename``) inside its own
transaction, without the provisioning lock: concurrent signups skip each
other's spare (``SKIP LOCKED``) instead of queueing. A spare made from an older
template (before a deploy brought migrations or changed the role groups) is
never handed out.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_context

from cms.services import site_starter_prepare
from pista.tenancy import public_schema_activate
from tenants.models import SpareSchema
from tenants.provisioning.template import (
    catalog_statistics_refresh,
    provisioning_lock,
    schema_clone,
    template_dump_key,
    template_schema_refresh,
)

SPARE_PREFIX = "pista_spare_"


def spare_schema_version() -> str:
    """What a spare is a copy of: the template's migrations and role groups."""
    return hashlib.sha1(template_dump_key().encode(), usedforsecurity=False).hexdigest()


def spare_schema_take() -> SpareSchema | None:
    """A current spare, locked until the caller's transaction ends (another
    signup skips it); None when the pool has none. Must run in a transaction."""
    return (
        SpareSchema.objects.select_for_update(skip_locked=True)
        .filter(template_version=spare_schema_version())
        .first()
    )


def spare_schema_rename(*, spare: SpareSchema, target: str) -> None:
    """Make ``spare`` (from ``spare_schema_take``) the schema ``target``. A rollback
    of the caller's transaction gives it back to the pool, unchanged."""
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{spare.schema_name}" RENAME TO "{target}"')
    spare.delete()


def _spares_drop(spares: list[SpareSchema]) -> None:
    with connection.cursor() as cursor:
        # A spare made earlier in this transaction may have foreign-key checks
        # queued, and PostgreSQL won't drop tables with pending checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for spare in spares:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
    SpareSchema.objects.filter(pk__in=[spare.pk for spare in spares]).delete()


@transaction.atomic
def spare_schemas_discard_stale() -> int:
    """Drop spares made from an older template; return how many. A spare a
    signup is taking right now is left to it."""
    stale = list(
        SpareSchema.objects.select_for_update(skip_locked=True).exclude(
            template_version=spare_schema_version()
        )
    )
    _spares_drop(stale)
    return len(stale)


def spare_schemas_refill(*, target_size: int | None = None) -> int:
    """Make spares until the pool holds ``target_size`` current ones; return how
    many were made. The template is brought up to date first (a spare must be
    what a clone would be). Each spare is made under the provisioning lock,
    like every clone, and the lock is let go in between: a signup that found
    the pool empty clones without waiting for the whole refill."""
    size = settings.PISTA_SPARE_SCHEMAS if target_size is None else target_size
    with provisioning_lock():
        template_schema_refresh()
        public_schema_activate()
    spare_schemas_discard_stale()
    made = 0
    while _spare_schema_make(size=size):
        made += 1
    if made:
        # New schemas make the catalog's statistics stale (and clones slow).
        catalog_statistics_refresh()
    return made


def _spare_schema_make(*, size: int) -> bool:
    """One more spare unless the pool holds ``size`` current ones; True if made."""
    version = spare_schema_version()
    with provisioning_lock():
        if SpareSchema.objects.filter(template_version=version).count() >= size:
            return False
        name = f"{SPARE_PREFIX}{uuid.uuid4().hex[:12]}"
        with transaction.atomic():
            schema_clone(target=name)
            with schema_context(name):
                site_starter_prepare(hostname=f"{name}.invalid")
            SpareSchema.objects.create(schema_name=name, template_version=version)
    return True


@transaction.atomic
def spare_schemas_drain() -> int:
    """Drop every spare schema (tests and benchmarks); return how many."""
    spares = list(SpareSchema.objects.select_for_update(skip_locked=True))
    _spares_drop(spares)
    return len(spares)
