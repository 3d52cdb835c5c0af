"""A small pool of pre-cloned spare schemas, so signup doesn't wait for a clone.

Spares are made in the background (``spare_schemas_refill``) and handed out with
``spare_schema_claim`` inside the provisioning transaction. A spare made from an
older template (before a deploy brought migrations) is never handed out.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, transaction

from tenants.models import SpareSchema
from tenants.provisioning.template import provisioning_lock, schema_clone, template_version

SPARE_PREFIX = "pista_spare_"


def spare_schema_claim(*, target: str) -> bool:
    """Rename a current spare schema to ``target``; False when none is available.

    Must run inside the provisioning transaction: a rollback gives the spare back.
    """
    spare = (
        SpareSchema.objects.select_for_update(skip_locked=True)
        .filter(template_version=template_version())
        .first()
    )
    if spare is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{spare.schema_name}" RENAME TO "{target}"')
    spare.delete()
    return True


def spare_schemas_discard_stale() -> int:
    """Drop spares cloned from an older template; return how many."""
    stale = list(SpareSchema.objects.exclude(template_version=template_version()))
    with connection.cursor() as cursor:
        for spare in stale:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
    SpareSchema.objects.filter(pk__in=[spare.pk for spare in stale]).delete()
    return len(stale)


def spare_schemas_refill(*, target_size: int | None = None) -> int:
    """Clone spares until the pool holds ``target_size`` current ones; return how many
    were made. Takes the provisioning lock, like every clone."""
    size = settings.PISTA_SPARE_SCHEMAS if target_size is None else target_size
    made = 0
    with provisioning_lock():
        spare_schemas_discard_stale()
        version = template_version()
        while SpareSchema.objects.filter(template_version=version).count() < size:
            name = f"{SPARE_PREFIX}{uuid.uuid4().hex[:12]}"
            with transaction.atomic():
                schema_clone(target=name)
                SpareSchema.objects.create(schema_name=name, template_version=version)
            made += 1
    return made


def spare_schemas_drain() -> int:
    """Drop every spare schema (tests and benchmarks); return how many."""
    spares = list(SpareSchema.objects.all())
    with connection.cursor() as cursor:
        for spare in spares:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
    SpareSchema.objects.all().delete()
    return len(spares)
