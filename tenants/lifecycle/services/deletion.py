"""Deletion of a whole community: the owner's request, a grace period, then for good.

The owner asks (typing the slug, re-entering the password); the community is
closed at once (the routing middleware answers 503 with a notice) and deleted
after ``PISTA_COMMUNITY_DELETION_GRACE_DAYS``, by an operator (Django admin) or
the hourly beat job. Until then the owner can cancel through the link emailed
to them, and operators can cancel in the admin. Deleting for good drops the
schema, the media and private files under its prefix, its cache keys and its
domains. Owner actions are audited in the community and the public schema;
operator and beat deletions in the public schema (the community's own audit
log goes with its schema).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.storage import default_storage, storages
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_roles
from core_apps.privacy.services.audit import audit_record
from pista.errors import ApplicationError, Conflict, PermissionDenied
from pista.formats import datetime_format
from pista.ratelimit import client_ip, rate_limit_exceeded
from pista.storage import tenant_files_remove
from pista.tasks import task_enqueue_on_commit
from pista.tenancy import current_schema, public_schema_activate
from tenants.current import community_current, community_url
from tenants.models import Community, SpareSchema
from tenants.provisioning.template import provisioning_lock, template_schema_name
from tenants.routing.middleware import CANCEL_PATH_PREFIX
from tenants.routing.services import domain_cache_forget
from themes.mail import email_send

logger = logging.getLogger(__name__)

CANCEL_TOKEN_SALT = "pista.tenants.community-deletion-cancel"  # noqa: S105 - a salt
PASSWORD_TRIES_PER_HOUR = 5


class InvalidDeletionRequest(ApplicationError):
    default_code = "invalid_deletion_request"


class DeletionNotPending(Conflict):
    default_code = "deletion_not_pending"


class DeletionNotDue(Conflict):
    default_code = "deletion_not_due"


class ProtectedSchema(PermissionDenied):
    default_code = "protected_schema"


class InvalidCancelLink(ApplicationError):
    default_code = "invalid_cancel_link"
    status_code = 404


def _public_audit(action: str, *, community: Community, operator: Any = None, **data: Any) -> None:
    """Audit in the public schema. Only operators (public users) may be actors
    there: a community user's id would name some operator instead."""
    with schema_context(get_public_schema_name()):
        audit_record(action, actor=operator, target=community, data=data)


def cancel_token_issue(*, user: User) -> str:
    return signing.dumps(
        {"schema": current_schema(), "user": user.pk}, salt=CANCEL_TOKEN_SALT, compress=True
    )


def community_deletion_request(
    *,
    community: Community,
    actor: User,
    confirmation: str,
    password: str,
    request: HttpRequest | None = None,
) -> Community:
    """The owner asks for their community to be deleted: it closes now and is
    deleted for good after the grace period. Run in the community's schema.

    Raises PermissionDenied (not the owner), InvalidDeletionRequest (the typed
    slug or the password is wrong, or too many password tries), Conflict (not active).
    """
    if not actor.is_authenticated or Role.OWNER not in user_roles(user=actor):
        raise PermissionDenied(_("Only the community's owner can delete it."))
    if community.status != Community.Status.ACTIVE:
        raise Conflict(_("Only an active community can be scheduled for deletion."))
    if confirmation.strip().lower() != community.slug:
        raise InvalidDeletionRequest(
            _("Type the community's address name %(slug)r to confirm.") % {"slug": community.slug},
            code="wrong_confirmation",
        )
    if rate_limit_exceeded(
        scope="community-delete-password",
        key=str(actor.pk),
        limit=PASSWORD_TRIES_PER_HOUR,
        window_s=3600,
    ):
        raise InvalidDeletionRequest(_("Too many tries. Try again in an hour."), code="throttled")
    if not actor.check_password(password):
        raise InvalidDeletionRequest(_("The password is wrong."), code="wrong_password")

    now = timezone.now()
    due = now + timedelta(days=settings.PISTA_COMMUNITY_DELETION_GRACE_DAYS)
    with transaction.atomic():
        community.status = Community.Status.DELETION_PENDING
        community.deletion_requested_at = now
        community.deletion_due_at = due
        community.deletion_requested_by = actor.email
        community.save(
            update_fields=[
                "status",
                "deletion_requested_at",
                "deletion_due_at",
                "deletion_requested_by",
            ]
        )
        audit_record(
            "community.deletion_request",
            actor=actor,
            target=community,
            request=request,
            data={"due": due},
        )
        _public_audit(
            "community.deletion_request",
            community=community,
            requested_by=actor.email,
            ip_address=client_ip(request) if request is not None else "",
            due=due,
        )
    domain_cache_forget(list(community.domains.values_list("domain", flat=True)))
    # The task module imports this one.
    from tenants.lifecycle.tasks import community_deletion_notice_send_task

    task_enqueue_on_commit(community_deletion_notice_send_task, user_id=actor.pk)
    return community


def community_deletion_schedule(
    *,
    community: Community,
    operator: Any,
    reason: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Community:
    """An operator schedules ``community`` for deletion: it closes at once and is
    deleted for good after the grace period (operators may still cancel).
    Audited in the platform's audit log. Run from the platform.

    Raises ReasonRequired, ProtectedSchema, CommunityBeingDeleted (already scheduled).
    """
    from tenants.lifecycle.services.suspension import (
        CommunityBeingDeleted,
        operator_audit,
        operator_reason_clean,
    )

    reason = operator_reason_clean(reason)
    if _schema_protected(community.schema_name):
        raise ProtectedSchema(
            _("The schema %(schema_name)r can't be deleted.")
            % {"schema_name": community.schema_name}
        )
    now = now or timezone.now()
    due = now + timedelta(days=settings.PISTA_COMMUNITY_DELETION_GRACE_DAYS)
    with schema_context(get_public_schema_name()), transaction.atomic():
        locked = Community.objects.select_for_update().get(pk=community.pk)
        if locked.status == Community.Status.DELETION_PENDING:
            if locked.deletion_due_at is None:
                raise CommunityBeingDeleted(
                    _("%(community)s is already being deleted.") % {"community": locked.name}
                )
            raise CommunityBeingDeleted(
                _("%(community)s is already being deleted, on %(due)s.")
                % {
                    "community": locked.name,
                    "due": datetime_format(locked.deletion_due_at, locked.time_zone),
                }
            )
        locked.status = Community.Status.DELETION_PENDING
        locked.deletion_requested_at = now
        locked.deletion_due_at = due
        locked.deletion_requested_by = getattr(operator, "email", "") or "operator"
        locked.save(
            update_fields=[
                "status",
                "deletion_requested_at",
                "deletion_due_at",
                "deletion_requested_by",
            ]
        )
        operator_audit(
            "community.deletion_schedule",
            community=locked,
            operator=operator,
            request=request,
            reason=reason,
            due=due.isoformat(),
        )
    domain_cache_forget(list(locked.domains.values_list("domain", flat=True)))
    return locked


def community_deletion_notice_send(*, user_id: int) -> None:
    """Email the owner who asked for the deletion its date and the cancel link.
    Run in the community's schema."""
    user = User.objects.filter(pk=user_id).first()
    community = community_current()
    if user is None or not community.is_deletion_pending:
        return
    link = (
        f"{community_url(community=community)}{CANCEL_PATH_PREFIX}{cancel_token_issue(user=user)}/"
    )
    email_send(
        template_prefix="tenants/email/community_deletion",
        context={"community": community, "due": community.deletion_due_at, "link": link},
        to=[user.email],
    )


def community_deletion_cancel(
    *, community: Community, actor: Any = None, operator: Any = None, reason: str = ""
) -> Community:
    """Call off a scheduled deletion: the community is active again, as it was.

    ``actor`` is the community's owner (run in its schema), ``operator`` a
    platform operator (public schema). Raises DeletionNotPending.
    """
    if community.status != Community.Status.DELETION_PENDING:
        raise DeletionNotPending(
            _("%(community)s is not scheduled for deletion.") % {"community": community.name}
        )
    with transaction.atomic():
        community.status = Community.Status.ACTIVE
        community.deletion_requested_at = None
        community.deletion_due_at = None
        community.deletion_requested_by = ""
        community.save(
            update_fields=[
                "status",
                "deletion_requested_at",
                "deletion_due_at",
                "deletion_requested_by",
            ]
        )
        if actor is not None:
            audit_record("community.deletion_cancel", actor=actor, target=community)
        _public_audit(
            "community.deletion_cancel",
            community=community,
            operator=operator,
            cancelled_by=getattr(actor, "email", "") or getattr(operator, "email", ""),
            **({"reason": reason} if reason else {}),
        )
    domain_cache_forget(list(community.domains.values_list("domain", flat=True)))
    return community


def community_deletion_cancel_by_link(
    *, community: Community, token: str, password: str
) -> Community:
    """The owner cancels through the emailed link, re-entering their password
    (the community is closed, so they can't sign in). Run in its schema.

    Raises InvalidCancelLink, InvalidDeletionRequest, DeletionNotPending.
    """
    try:
        payload = signing.loads(
            token,
            salt=CANCEL_TOKEN_SALT,
            max_age=settings.PISTA_COMMUNITY_DELETION_GRACE_DAYS * 86400 + 86400,
        )
    except signing.BadSignature as exc:
        raise InvalidCancelLink(_("This link is invalid or has expired.")) from exc
    if payload.get("schema") != current_schema():
        raise InvalidCancelLink(_("This link is invalid or has expired."))
    user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
    if user is None or Role.OWNER not in user_roles(user=user):
        raise InvalidCancelLink(_("This link is invalid or has expired."))
    if rate_limit_exceeded(
        scope="community-delete-password",
        key=str(user.pk),
        limit=PASSWORD_TRIES_PER_HOUR,
        window_s=3600,
    ):
        raise InvalidDeletionRequest(_("Too many tries. Try again in an hour."), code="throttled")
    if not user.check_password(password):
        raise InvalidDeletionRequest(_("The password is wrong."), code="wrong_password")
    return community_deletion_cancel(community=community, actor=user)


@dataclass
class PurgeReport:
    schema: str
    domains: list[str]
    files_removed: dict[str, int] = field(default_factory=dict)
    cache_keys_removed: int = 0


def _schema_protected(schema: str) -> bool:
    return (
        schema in (get_public_schema_name(), template_schema_name())
        or schema.startswith("pg_")
        or schema == "information_schema"
        or SpareSchema.objects.filter(schema_name=schema).exists()
    )


def tenant_cache_purge(*, schema: str) -> int:
    """Delete every cache key of ``schema`` (keys carry the schema first, see
    django_tenants.cache.make_key) in every cache alias; return how many."""
    removed = 0
    seen = set()
    for alias in settings.CACHES:
        backend: Any = caches[alias]
        location = (settings.CACHES[alias].get("BACKEND"), settings.CACHES[alias].get("LOCATION"))
        if location in seen:  # aliases sharing one store and key space
            continue
        seen.add(location)
        with schema_context(schema):
            if hasattr(backend, "delete_pattern"):  # django-redis
                removed += int(backend.delete_pattern("*") or 0)
            elif isinstance(backend, LocMemCache):  # development: no key-scan API
                store: Any = backend
                with store._lock:
                    stale = [key for key in store._cache if key.startswith(f"{schema}:")]
                    for key in stale:
                        store._delete(key)
                removed += len(stale)
    return removed


def community_purge(
    *,
    community: Community,
    operator: Any = None,
    now: datetime | None = None,
) -> PurgeReport:
    """Delete a community for good once its grace period is over: drop its schema,
    its domains and row, then (after commit) its media and private files and its
    cache keys. Audited in the public schema.

    Raises DeletionNotPending, DeletionNotDue, ProtectedSchema.
    """
    now = now or timezone.now()
    schema = community.schema_name
    if _schema_protected(schema):
        raise ProtectedSchema(_("The schema %(schema)r can't be deleted.") % {"schema": schema})
    public_schema_activate()
    # The lock keeps clones away while the schema goes and the slug is freed; a
    # signup from the spare pool takes no lock, but can't insert a row with this
    # slug before this transaction ends.
    with provisioning_lock(), transaction.atomic():
        community = Community.objects.select_for_update().get(pk=community.pk)
        if community.status != Community.Status.DELETION_PENDING:
            raise DeletionNotPending(
                _("%(community)s is not scheduled for deletion.") % {"community": community.name}
            )
        if community.deletion_due_at is None or community.deletion_due_at > now:
            due_at = community.deletion_due_at
            due = f"{due_at:%Y-%m-%d %H:%M} UTC" if due_at else "its grace period"
            raise DeletionNotDue(
                _("%(community)s can be deleted after %(due)s.")
                % {"community": community.name, "due": due}
            )
        domains = list(community.domains.values_list("domain", flat=True))
        report = PurgeReport(schema=schema, domains=domains)
        with connection.cursor() as cursor:
            # Deferred foreign-key checks queued earlier in this transaction
            # would make PostgreSQL refuse to drop their tables.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        community.domains.all().delete()
        # A queryset delete: the model's delete() would try to drop the schema itself.
        Community.objects.filter(pk=community.pk).delete()
        _public_audit(
            "community.purge",
            community=community,
            operator=operator,
            schema=schema,
            slug=community.slug,
            domains=domains,
            requested_by=community.deletion_requested_by,
            requested_at=community.deletion_requested_at,
        )

        def files_and_cache_remove() -> None:
            # Files can't be rolled back: they go once the schema drop committed.
            with schema_context(schema):
                for alias in ("default", "private"):
                    storage = default_storage if alias == "default" else storages[alias]
                    try:
                        report.files_removed[alias] = tenant_files_remove(storage)
                    except OSError:
                        logger.exception("Removing %s files of %s failed", alias, schema)
            report.cache_keys_removed = tenant_cache_purge(schema=schema)
            domain_cache_forget(domains)
            logger.info("Community %s deleted for good: %s", schema, report)

        transaction.on_commit(files_and_cache_remove)
    public_schema_activate()
    return report


def communities_purge_due(*, now: datetime | None = None) -> list[str]:
    """Delete for good every community whose grace period is over (beat job);
    return their schema names."""
    now = now or timezone.now()
    due = Community.objects.filter(
        status=Community.Status.DELETION_PENDING, deletion_due_at__lte=now
    ).exclude(schema_name=get_public_schema_name())
    purged = []
    for community in list(due):
        try:
            community_purge(community=community, now=now)
        except ApplicationError:
            logger.exception("Deleting community %s failed", community.schema_name)
            continue
        purged.append(community.schema_name)
    return purged


__all__ = [
    "communities_purge_due",
    "community_deletion_cancel",
    "community_deletion_cancel_by_link",
    "community_deletion_request",
    "community_deletion_schedule",
    "community_purge",
    "tenant_cache_purge",
]
