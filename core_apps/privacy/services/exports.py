"""A member's data export (Art. 15/20), driven by the data inventory."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.privacy.inventory import INVENTORY, PersonalData
from core_apps.privacy.models import DataExport
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError
from pista.tenancy import current_schema

EXPORT_LINK_SALT = "pista.privacy.export-link"
EXPORT_LINK_MAX_AGE = timedelta(days=7)
# An export is built at most this often per member.
EXPORT_MIN_INTERVAL = timedelta(minutes=10)
# Never written into an export, even the member's own: they open other doors.
SECRET_FIELD_WORDS = ("password", "secret", "token")


class ExportTooSoon(ApplicationError):
    default_code = "export_too_soon"


class ExportLinkInvalid(ApplicationError):
    default_code = "export_link_invalid"


def member_emails(user: Any) -> list[str]:
    """Every address ``user`` is known by in this community."""
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()} if user.email else set()
    emails |= {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    return sorted(emails)


def _value(row: models.Model, field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.FileField):
        file = getattr(row, field.attname)
        return file.name or ""
    return getattr(row, field.attname)


def row_serialise(entry: PersonalData, row: models.Model) -> dict[str, Any]:
    """One row as a JSON-ready dict: every concrete field except secrets, plus
    the inventory's many-to-many fields (as ids)."""
    data: dict[str, Any] = {"id": row.pk}
    for field in row._meta.concrete_fields:
        if any(word in field.name for word in SECRET_FIELD_WORDS):
            continue
        data[field.name] = _value(row, field)
    for name in entry.fields:
        if name not in data:
            related: Any = getattr(row, name, None)
            if hasattr(related, "values_list"):
                data[name] = list(related.values_list("pk", flat=True))
    return data


def member_data_collect(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """Every exported inventory entry's rows about ``user``, by model label."""
    emails = member_emails(user)
    collected: dict[str, list[dict[str, Any]]] = {}
    for entry in INVENTORY:
        if not entry.exported:
            continue
        rows = entry.rows_about(user, emails).order_by("pk")
        collected[entry.model] = [row_serialise(entry, row) for row in rows]
    return collected


@transaction.atomic
def export_request(*, user: Any, request: HttpRequest | None = None) -> DataExport:
    """Queue the build of ``user``'s export; they get an email with the link.
    Raises ExportTooSoon while an export is being built or was just asked for."""
    from core_apps.privacy.tasks import member_export_build_task
    from pista.tasks import task_enqueue_on_commit

    recent = DataExport.objects.filter(
        user=user, requested_at__gte=timezone.now() - EXPORT_MIN_INTERVAL
    ).exists()
    if recent:
        raise ExportTooSoon(_("You asked for an export a few minutes ago: check your email."))
    export = DataExport.objects.create(user=user)
    audit_record("privacy.export_request", actor=user, subject=user, target=export, request=request)
    task_enqueue_on_commit(member_export_build_task, export_id=export.pk)
    return export


def export_zip(*, user: Any) -> bytes:
    """The ZIP: one JSON file per model and a manifest naming category, purpose
    and legal basis of each."""
    collected = member_data_collect(user=user)
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in INVENTORY:
            if entry.model not in collected:
                continue
            name = f"{entry.category}/{entry.model}.json"
            archive.writestr(
                name, json.dumps(collected[entry.model], cls=DjangoJSONEncoder, indent=2)
            )
            manifest.append(
                {
                    "file": name,
                    "model": entry.model,
                    "category": entry.category_obj.label,
                    "purpose": entry.purpose,
                    "legal_basis": entry.legal_basis.value,
                    "retention": entry.category_obj.retention_text,
                    "rows": len(collected[entry.model]),
                }
            )
        archive.writestr(
            "manifest.json",
            json.dumps(
                {"generated_at": timezone.now(), "user_id": user.pk, "files": manifest},
                cls=DjangoJSONEncoder,
                indent=2,
            ),
        )
    return buffer.getvalue()


def export_link_token(*, export: DataExport) -> str:
    """A signed token naming the community, the member and the export."""
    return signing.dumps(
        {"schema": current_schema(), "user": export.user_id, "export": export.pk},
        salt=EXPORT_LINK_SALT,
    )


def export_build(*, export_id: int) -> DataExport | None:
    """Build and store the export, then email the member its link (idempotent:
    a ready export is left alone)."""
    from core_apps.privacy.tasks import member_export_ready_send_task
    from pista.tasks import task_enqueue_on_commit

    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status == DataExport.Status.READY:
            return export
        content = export_zip(user=export.user)
        # A random name under the community's own prefix; only the signed link
        # (checked against member and community) serves it.
        export.file.save(f"{secrets.token_hex(16)}.zip", ContentFile(content), save=False)
        now = timezone.now()
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + EXPORT_LINK_MAX_AGE
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        audit_record(
            "privacy.export_ready",
            subject=export.user,
            target=export,
            data={"bytes": len(content)},
        )
        task_enqueue_on_commit(member_export_ready_send_task, export_id=export.pk)
    return export


def export_for_link(*, token: str, user: Any) -> DataExport:
    """The export a link stands for, if ``user`` may download it here and now.
    Raises ExportLinkInvalid (wrong community, other member, expired, gone)."""
    try:
        payload = signing.loads(token, salt=EXPORT_LINK_SALT, max_age=EXPORT_LINK_MAX_AGE)
    except signing.BadSignature as exc:
        raise ExportLinkInvalid(_("This download link is invalid or has expired.")) from exc
    if payload.get("schema") != current_schema():
        raise ExportLinkInvalid(_("This download link belongs to another community."))
    if not getattr(user, "is_authenticated", False) or payload.get("user") != user.pk:
        raise ExportLinkInvalid(_("This download link belongs to another member."))
    export = DataExport.objects.filter(
        pk=payload.get("export"), user=user, status=DataExport.Status.READY
    ).first()
    if export is None or not export.file or (export.expires_at or timezone.now()) <= timezone.now():
        raise ExportLinkInvalid(_("This export has expired: ask for a new one."))
    return export
