"""A member's erasure (Art. 17) and the retention clean-up, driven by the inventory."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.privacy.inventory import CATEGORIES, INVENTORY, Erasure, PersonalData, Retention
from core_apps.privacy.models import ErasureReport
from core_apps.privacy.services.audit import audit_record
from core_apps.privacy.services.exports import member_emails
from pista.errors import ApplicationError

REDACTED = "[erased]"
ERASED_EMAIL_DOMAIN = "erased.invalid"
PHONE_LIKE = re.compile(r"^\+?[\d\s()./-]{7,20}$")


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


def _blank(field: models.Field[Any, Any], row: models.Model) -> Any:
    """The anonymous value of a field: empty, null or the field's default."""
    if isinstance(field, models.FileField):
        file = getattr(row, field.attname)
        if file:
            file.delete(save=False)
        return ""
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return getattr(row, field.attname)


def _anonymise_rows(
    rows: models.QuerySet[Any], names: tuple[str, ...], values: dict[str, Any] | None = None
) -> int:
    count = 0
    for row in rows:
        changed = []
        for name in names:
            field = row._meta.get_field(name)
            if not field.concrete or field.is_relation:
                continue  # links point at the anonymised account
            setattr(row, field.attname, _blank(field, row))
            changed.append(field.attname)
        for name, value in (values or {}).items():
            field = row._meta.get_field(name)
            setattr(
                row, field.attname, value.format(pk=row.pk) if isinstance(value, str) else value
            )
            changed.append(field.attname)
        if changed:
            row.save(update_fields=changed)
        count += 1
    return count


def _rows_delete(model: type[models.Model], pks: list[Any]) -> int:
    files = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    rows = model._default_manager.filter(pk__in=pks)
    if files:
        for row in rows:
            for field in files:
                file = getattr(row, field.attname)
                if file:
                    file.delete(save=False)
    deleted, _per_model = rows.delete()
    return deleted


def member_identifiers(*, user: Any) -> list[str]:
    """The strings that identify ``user``: addresses, names and phone numbers
    the member gave (as attendee, buyer, in answers and forms)."""
    emails = member_emails(user)
    names = {user.display_name, user.get_full_name(), f"{user.first_name} {user.last_name}"}
    phones: set[str] = set()
    for entry in INVENTORY:
        if entry.erasure == Erasure.DETACH or entry.model == "accounts.User":
            continue
        model = entry.model_class
        rows = entry.rows_to_erase(user, emails)
        for name in entry.fields:
            field = model._meta.get_field(name)
            if not field.concrete or field.is_relation:
                continue
            for value in rows.values_list(name, flat=True):
                for text in _strings(value):
                    if "name" in name and "partner" not in name and text:
                        names.add(text)
                    elif PHONE_LIKE.match(text) and sum(c.isdigit() for c in text) >= 7:
                        phones.add(text)
    found = {s.strip() for s in (*emails, *names, *phones) if s and len(s.strip()) >= 3}
    # Longest first, so that "Ana Lima" is replaced before "Ana".
    return sorted(found, key=lambda s: (-len(s), s))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, dict):
        return {_scrub(k, pattern): _scrub(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    return value


def _mentions_scrub(entry: PersonalData, identifiers: list[str]) -> int:
    """Remove ``identifiers`` from the free-text fields of other people's rows."""
    if not identifiers or not entry.mentions:
        return 0
    alternatives = "|".join(re.escape(s) for s in identifiers)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    model = entry.model_class
    queryset = model._default_manager.all()
    q = Q()
    for name in entry.mentions:
        queryset = queryset.annotate(**{f"_scrub_{name}": Cast(name, TextField())})
        for identifier in identifiers:
            q |= Q(**{f"_scrub_{name}__icontains": identifier})
    count = 0
    for row in queryset.filter(q):
        for name in entry.mentions:
            setattr(row, name, _scrub(getattr(row, name), pattern))
        row.save(update_fields=list(entry.mentions))
        count += 1
    return count


def _sessions_end(user_id: int) -> int:
    from django.contrib.sessions.models import Session

    ended = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def member_erase(*, user_id: int) -> ErasureReport | None:
    """Erase the member ``user_id`` everywhere, per the inventory: delete or
    anonymise each row about them, keep invoices' legally required fields
    (restricted), scrub their identifiers from other people's rows, and leave
    an anonymous tombstone account. Returns the report (None if already done)."""
    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(pk=user_id).first()
    if user is None or user.email == erased_email(user_id):
        return None
    emails = member_emails(user)
    identifiers = member_identifiers(user=user)
    summary: dict[str, Any] = {"models": {}, "retained": []}

    for entry in INVENTORY:
        if entry.model == "accounts.User":
            continue
        scrubbed = _mentions_scrub(entry, identifiers)
        pks = list(entry.rows_to_erase(user, emails).values_list("pk", flat=True))
        rows = entry.model_class._default_manager.filter(pk__in=pks)
        done = 0
        if entry.erasure == Erasure.DELETE:
            done = _rows_delete(entry.model_class, pks)
        elif entry.erasure == Erasure.ANONYMISE:
            done = _anonymise_rows(rows, entry.fields_to_erase, entry.anonymised_values)
        elif entry.erasure == Erasure.RETAIN_RESTRICTED:
            kept = rows.filter(**entry.retain_if) if entry.retain_if else rows.none()
            kept_pks = list(kept.values_list("pk", flat=True))
            others = tuple(f for f in entry.fields if f not in entry.retained_fields)
            done = _anonymise_rows(rows.filter(pk__in=kept_pks), others)
            done += _anonymise_rows(rows.exclude(pk__in=kept_pks), entry.fields)
            if kept_pks:
                summary["retained"].append(
                    {
                        "model": entry.model,
                        "fields": list(entry.retained_fields),
                        "rows": len(kept_pks),
                        "until": entry.category_obj.retention_text,
                    }
                )
        else:
            done = len(pks)
        if done or scrubbed:
            summary["models"][entry.model] = {
                "action": entry.erasure.value,
                "rows": done,
                "mentions_scrubbed": scrubbed,
            }

    # The tombstone: the row stays (messages, bookings and logs point at it).
    user.email = erased_email(user.pk)
    user.first_name = user.last_name = user.display_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    summary["sessions_ended"] = _sessions_end(user.pk)

    report = ErasureReport.objects.create(user_id_erased=user.pk, summary=summary)
    audit_record(
        "privacy.erasure_done",
        subject=user,
        target=report,
        data={"models": len(summary["models"]), "retained": summary["retained"]},
    )
    return report


class LastOwner(ApplicationError):
    default_code = "last_owner"


@transaction.atomic
def member_erase_request(*, user: Any, request: HttpRequest | None = None) -> None:
    """The member asked to delete their account (after confirming their
    password): sign-in stops now, the erasure runs in the background.
    Raises LastOwner for the community's only owner (hand it over first)."""
    from core_apps.accounts.roles import Role
    from core_apps.privacy.tasks import member_erase_task
    from pista.tasks import task_enqueue_on_commit

    owners = get_user_model().objects.filter(groups__name=Role.OWNER.value, is_active=True)
    if owners.filter(pk=user.pk).exists() and not owners.exclude(pk=user.pk).exists():
        raise LastOwner(
            _(
                "You are this community's only owner: make someone else owner before "
                "deleting your account."
            )
        )
    audit_record("privacy.erasure_request", actor=user, subject=user, request=request)
    user.is_active = False
    user.save(update_fields=["is_active"])
    task_enqueue_on_commit(member_erase_task, user_id=user.pk)


@transaction.atomic
def retention_enforce(*, now: Any = None) -> dict[str, int]:
    """Delete or anonymise every row past its category's retention period, and
    release invoice-retained fields past the invoice period. Logs what it
    removed (one audit entry, counts per model). Returns the counts."""
    now = now or timezone.now()
    removed: dict[str, int] = {}
    for entry in INVENTORY:
        period = entry.category_obj.retention
        if entry.retention != Retention.NONE and period is not None and entry.age_field:
            rows = entry.model_class._default_manager.filter(
                **{f"{entry.age_field}__lt": now - period}, **entry.retention_filter
            )
            pks = list(rows.values_list("pk", flat=True).distinct())
            if entry.retention == Retention.DELETE:
                count = _rows_delete(entry.model_class, pks) if pks else 0
            else:
                count = _anonymise_rows(
                    _not_yet_anonymous(
                        entry, entry.model_class._default_manager.filter(pk__in=pks)
                    ),
                    entry.fields,
                )
            if count:
                removed[entry.model] = count
        invoice_period = CATEGORIES["invoices"].retention
        if entry.retained_fields and entry.retain_if and entry.age_field and invoice_period:
            kept = entry.model_class._default_manager.filter(
                **{f"{entry.age_field}__lt": now - invoice_period}, **entry.retain_if
            )
            kept = _not_yet_anonymous(entry, kept.distinct())
            count = _anonymise_rows(kept, entry.retained_fields)
            if count:
                removed[f"{entry.model} (retained fields)"] = count
    if removed:
        audit_record("privacy.retention", data={"removed": removed})
    return removed


def _not_yet_anonymous(entry: PersonalData, rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rows with at least one text field still filled (so reruns touch nothing)."""
    q = Q()
    for name in entry.fields:
        field = entry.model_class._meta.get_field(name)
        if isinstance(field, models.CharField | models.TextField) and not field.is_relation:
            q |= ~Q(**{name: ""})
    return rows.filter(q) if q else rows
