"""Export of a whole community (GDPR portability): data, CMS pages and media in one ZIP.

The owner asks on the community host; a community task builds the ZIP in the
community's schema, keeps it in private storage under the community's prefix
and emails the owner a signed link that expires and works only for that owner
on that community.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers, signing
from django.core.files import File
from django.core.files.storage import Storage, default_storage, storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from wagtail.fields import StreamField
from wagtail.models import Page

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_roles
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError, NotFound, PermissionDenied
from pista.ratelimit import rate_limit_exceeded
from pista.storage import tenant_files
from pista.tasks import task_enqueue_on_commit
from pista.tenancy import current_schema
from tenants.current import community_current, community_url
from tenants.models import Community
from themes.mail import email_send

logger = logging.getLogger(__name__)

EXPORT_TOKEN_SALT = "pista.tenants.community-export"  # noqa: S105 - a salt
EXPORT_DIRECTORY = "exports/community"
EXPORTS_PER_HOUR = 3

# Credentials and security bookkeeping stay out of an export: sessions, login
# throttling records, email-confirmation keys, MFA authenticators (TOTP secrets,
# passkeys, recovery codes), API token hashes, Wagtail's editor scratch state,
# and derived data (search index, reference index).
EXCLUDED_MODELS = frozenset(
    {
        "sessions.session",
        "account.emailconfirmation",
        "mfa.authenticator",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accessfailurelog",
        "axes.accesslog",
        "wagtailcore.apitoken",
        "wagtailadmin.editingsession",
        "wagtailadmin.formstate",
        "wagtailsearch.indexentry",
        "wagtailcore.referenceindex",
    }
)
# Fields that work as passwords or bearer links are left out of the models kept.
REDACTED_FIELD_NAMES = frozenset({"password", "secret", "calendar_token"})


class ExportThrottled(ApplicationError):
    default_code = "export_throttled"
    status_code = 429


class InvalidExportLink(ApplicationError):
    default_code = "invalid_export_link"
    status_code = 404


class ExpiredExportLink(InvalidExportLink):
    default_code = "expired_export_link"
    status_code = 410


def private_storage() -> Storage:
    """Private files of the current community (no URL, signed links only)."""
    return storages["private"]


def _owner_check(*, user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or Role.OWNER not in user_roles(user=user):
        raise PermissionDenied(_("Only the community's owner can export or delete it."))


def community_export_request(
    *, community: Community, actor: User, request: HttpRequest | None = None
) -> None:
    """Queue the build of a community export for its owner ``actor``.

    Raises PermissionDenied (not an owner), ExportThrottled (too many requests).
    """
    _owner_check(user=actor)
    if rate_limit_exceeded(
        scope="community-export", key=str(actor.pk), limit=EXPORTS_PER_HOUR, window_s=3600
    ):
        raise ExportThrottled(_("Too many exports were asked for in the last hour. Try later."))
    audit_record("community.export_request", actor=actor, target=community, request=request)
    # The task module imports this one.
    from tenants.lifecycle.tasks import community_export_build_task

    task_enqueue_on_commit(community_export_build_task, user_id=actor.pk)


def _tenant_models() -> list[type[models.Model]]:
    """Every concrete model stored in a community schema, in a stable order."""
    tenant_apps = set(settings.TENANT_APPS)
    found = []
    for config in apps.get_app_configs():
        if config.name not in tenant_apps:
            continue
        for model in config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            if model._meta.label_lower in EXCLUDED_MODELS:
                continue
            found.append(model)
    return sorted(found, key=lambda model: model._meta.label_lower)


def _kept_fields(model: type[models.Model]) -> list[str]:
    local = [*model._meta.local_fields, *model._meta.local_many_to_many]
    return [
        field.name
        for field in local
        if field.name not in REDACTED_FIELD_NAMES and not field.primary_key
    ]


def _models_write(archive: zipfile.ZipFile) -> dict[str, int]:
    counts = {}
    for model in _tenant_models():
        label = model._meta.label_lower
        queryset = model._default_manager.order_by("pk")
        counts[label] = queryset.count()
        with archive.open(f"data/{label}.json", "w") as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8")
            serializers.serialize(
                "json", queryset.iterator(), stream=stream, fields=_kept_fields(model), indent=1
            )
            stream.flush()
            stream.detach()
    return counts


def _page_record(page: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field in page._meta.concrete_fields:
        if field.name in REDACTED_FIELD_NAMES:
            continue
        value = field.value_from_object(page)
        # StreamField content as its stored JSON: a list of {type, value, id} blocks.
        fields[field.attname] = (
            field.get_prep_value(value) if isinstance(field, StreamField) else value
        )
    return {
        "id": page.pk,
        "type": page._meta.label_lower,
        "url_path": page.url_path,
        "fields": fields,
    }


def _pages_write(archive: zipfile.ZipFile) -> int:
    pages = [_page_record(page) for page in Page.objects.order_by("path").specific()]
    archive.writestr("pages.json", json.dumps(pages, cls=DjangoJSONEncoder, indent=1))
    return len(pages)


def _media_write(archive: zipfile.ZipFile) -> int:
    """Copy every file under the community's media prefix (images, documents…)."""
    count = 0
    for name in tenant_files(default_storage):
        with default_storage.open(name, "rb") as source, archive.open(f"media/{name}", "w") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        count += 1
    return count


@dataclass(frozen=True)
class CommunityExport:
    name: str
    token: str
    counts: dict[str, int]


def export_token_issue(*, user: User, name: str) -> str:
    return signing.dumps(
        {"schema": current_schema(), "user": user.pk, "name": name},
        salt=EXPORT_TOKEN_SALT,
        compress=True,
    )


def community_export_build(*, user_id: int) -> CommunityExport | None:
    """Build the export ZIP of the current community for its owner ``user_id``,
    store it privately and email the owner the download link. Must run in the
    community's schema; None when the user is gone or no longer an owner."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or Role.OWNER not in user_roles(user=user):
        return None
    community = community_current()
    started = timezone.now()
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            counts = _models_write(archive)
            pages = _pages_write(archive)
            media = _media_write(archive)
            manifest = {
                "community": {"slug": community.slug, "name": community.name},
                "schema": community.schema_name,
                "generated_at": started,
                "requested_by": user.email,
                "models": counts,
                "pages": pages,
                "media_files": media,
                "excluded_models": sorted(EXCLUDED_MODELS),
                "redacted_fields": sorted(REDACTED_FIELD_NAMES),
            }
            archive.writestr("manifest.json", json.dumps(manifest, cls=DjangoJSONEncoder, indent=1))
        spool.seek(0)
        stamp = started.strftime("%Y%m%d-%H%M%S")
        name = private_storage().save(
            f"{EXPORT_DIRECTORY}/{community.slug}-{stamp}-{get_random_string(12)}.zip",
            File(spool),
        )
    token = export_token_issue(user=user, name=name)
    audit_record(
        "community.export_ready",
        actor=user,
        target=community,
        data={"file": name, "pages": pages, "media_files": media},
    )
    email_send(
        template_prefix="tenants/email/community_export",
        context={
            "community": community,
            "link": f"{community_url(community=community)}/settings/data/export/{token}/",
            "hours": settings.PISTA_COMMUNITY_EXPORT_LINK_HOURS,
        },
        to=[user.email],
    )
    return CommunityExport(name=name, token=token, counts=counts)


def community_export_open(*, token: str, user: Any) -> tuple[str, File]:
    """The export a download link stands for, opened for ``user`` in the current
    community: (file name, file). The link works only on its own community, for
    the owner who asked, until it expires.

    Raises ExpiredExportLink, InvalidExportLink.
    """
    try:
        payload = signing.loads(
            token,
            salt=EXPORT_TOKEN_SALT,
            max_age=settings.PISTA_COMMUNITY_EXPORT_LINK_HOURS * 3600,
        )
    except signing.SignatureExpired as exc:
        raise ExpiredExportLink(_("This download link has expired: ask for a new export.")) from exc
    except signing.BadSignature as exc:
        raise InvalidExportLink(_("This download link is invalid.")) from exc
    if payload.get("schema") != current_schema() or payload.get("user") != getattr(user, "pk", 0):
        raise InvalidExportLink(_("This download link is invalid."))
    try:
        _owner_check(user=user)
    except PermissionDenied as exc:
        raise InvalidExportLink(_("This download link is invalid.")) from exc
    name = str(payload.get("name", ""))
    storage = private_storage()
    if not name.startswith(f"{EXPORT_DIRECTORY}/") or not storage.exists(name):
        raise NotFound(_("This export no longer exists: ask for a new one."))
    audit_record("community.export_download", actor=user, data={"file": name})
    return name.rsplit("/", 1)[-1], storage.open(name, "rb")


def community_exports_prune(*, now: datetime | None = None) -> list[str]:
    """Delete the current community's exports older than
    ``PISTA_COMMUNITY_EXPORT_RETENTION_DAYS``; return their names (beat job)."""
    storage = private_storage()
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.PISTA_COMMUNITY_EXPORT_RETENTION_DAYS
    )
    removed = []
    for name in tenant_files(storage, EXPORT_DIRECTORY):
        if storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed.append(name)
    if removed:
        logger.info("Removed %d community export(s) past retention: %s", len(removed), removed)
    return removed
