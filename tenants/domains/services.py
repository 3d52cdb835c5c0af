"""Custom domains: adding, verifying through DNS, choosing the primary, removing.

An owner adds a domain; it stays *pending* until the TXT record
``_pista-verify.<domain>`` carries ``pista-verify=<token>``. A Celery task
checks it (right away and then periodically, with backoff); a wrong token marks
it *failed* with the reason; the right one makes it *verified*, and only
verified domains route or get a TLS certificate.

Domain rows live in the public schema; the owner's roles live in the
community's schema, so these services run on the community's host.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from cms.services import site_hostname_set
from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_roles
from pista.billing_hooks import LIMIT_CUSTOM_DOMAINS, plan_limit_check
from pista.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from pista.tasks import task_enqueue_on_commit
from pista.tenancy import current_schema
from tenants.current import base_host, community_default_domain
from tenants.domains.dns import DnsLookupFailed, txt_records
from tenants.models import Community, Domain
from tenants.routing.services import domain_cache_forget
from tenants.validators import normalise_domain

logger = logging.getLogger(__name__)

VERIFY_RECORD_PREFIX = "_pista-verify"
VERIFY_VALUE_PREFIX = "pista-verify="
MAX_DOMAINS_PER_COMMUNITY = 20
# Re-checks of pending and failed domains: 1 min, 2, 4, … up to every 6 hours.
RECHECK_FIRST_DELAY = timedelta(minutes=1)
RECHECK_MAX_DELAY = timedelta(hours=6)
RECHECK_BATCH = 200
MAX_ID = 2**63 - 1


class InvalidDomain(ApplicationError):
    default_code = "invalid_domain"


class DomainTaken(Conflict):
    default_code = "domain_taken"


class DomainNotVerified(Conflict):
    default_code = "domain_not_verified"


class DomainLocked(Conflict):
    default_code = "domain_locked"


def verification_record_name(domain: str) -> str:
    return f"{VERIFY_RECORD_PREFIX}.{domain}"


def verification_record_value(token: str) -> str:
    return f"{VERIFY_VALUE_PREFIX}{token}"


def domain_manager_check(*, community: Community, actor: User) -> None:
    """Only the community's owners and admins manage its domains, and only from
    the community's own schema (where their roles live). Raises PermissionDenied."""
    if community.schema_name != current_schema():
        raise PermissionDenied(_("Domains are managed on the community's own site."))
    if not actor.is_authenticated or not user_roles(user=actor) & {Role.OWNER, Role.ADMIN}:
        raise PermissionDenied(_("Only the community's owners and admins can manage its domains."))


def domain_of_community(*, community: Community, domain_id: int) -> Domain:
    """The community's domain with this id. Raises NotFound (also for another
    community's domain: its existence is not revealed)."""
    if not 0 < domain_id <= MAX_ID:  # ids from URLs: never let the database reject them
        raise NotFound(_("No such domain in this community."), code="domain_not_found")
    domain = Domain.objects.filter(pk=domain_id, tenant=community).first()
    if domain is None:
        raise NotFound(_("No such domain in this community."), code="domain_not_found")
    return domain


def _community_hosts(community: Community) -> list[str]:
    return list(Domain.objects.filter(tenant=community).values_list("domain", flat=True))


def _forget_routes_on_commit(community: Community, *extra_hosts: str) -> None:
    # Every host of the community caches where it redirects to, so all of them go.
    hosts = [*_community_hosts(community), *extra_hosts]
    transaction.on_commit(lambda: domain_cache_forget(hosts))


def _verify_enqueue_on_commit(domain_id: int) -> None:
    # The task module imports this one.
    from tenants.domains.tasks import domain_verify_task

    task_enqueue_on_commit(domain_verify_task, domain_id=domain_id)


def _normalised_custom_domain(raw: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidDomain(_("Enter a domain name such as www.example.org."))
    platform = base_host()
    # Checked before validation: the platform host may be a bare "localhost".
    if raw.strip().rstrip(".").lower() == platform:
        host = platform
    else:
        try:
            host = normalise_domain(raw)
        except ValidationError as exc:
            raise InvalidDomain(exc.messages[0]) from exc
    if host == platform or host.endswith("." + platform):
        raise DomainTaken(
            _("%(host)s belongs to the platform: add a domain you own.") % {"host": host},
            code="platform_domain",
        )
    return host


@transaction.atomic
def domain_add(*, community: Community, actor: User, domain: str) -> Domain:
    """Add a custom domain to the community, pending verification, and queue its
    first DNS check.

    IDN and upper-case names are normalised (punycode, lower case). Raises
    PermissionDenied, InvalidDomain, DomainTaken (another community's domain,
    this community's again, or the platform's own), PlanLimitReached (past the
    plan's custom domains).
    """
    domain_manager_check(community=community, actor=actor)
    host = _normalised_custom_domain(domain)
    # Serialise additions per community so the domain limit holds.
    Community.objects.select_for_update().filter(pk=community.pk).first()
    existing = Domain.objects.filter(domain=host).only("tenant_id").first()
    if existing is not None:
        if existing.tenant_id == community.pk:
            raise DomainTaken(
                _("%(host)s is already one of this community's domains.") % {"host": host}
            )
        raise DomainTaken(_("%(host)s is already used by another community.") % {"host": host})
    if Domain.objects.filter(tenant=community).count() >= MAX_DOMAINS_PER_COMMUNITY:
        raise InvalidDomain(
            _("A community can have at most %(max_domains)s domains.")
            % {"max_domains": MAX_DOMAINS_PER_COMMUNITY},
            code="too_many_domains",
        )
    plan_limit_check(LIMIT_CUSTOM_DOMAINS, community=community)
    try:
        with transaction.atomic():  # a savepoint: another community may win a race
            created = Domain.objects.create(
                domain=host,
                tenant=community,
                is_primary=False,
                status=Domain.Status.PENDING,
                next_check_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise DomainTaken(
            _("%(host)s is already used by another community.") % {"host": host}
        ) from exc
    logger.info("domain added", extra={"domain": host, "community": community.slug})
    _verify_enqueue_on_commit(created.pk)
    return created


@transaction.atomic
def domain_check_request(*, community: Community, actor: User, domain_id: int) -> Domain:
    """Queue a DNS check of one of the community's domains now (the owner's
    "check again" button); the backoff starts over. Raises PermissionDenied,
    NotFound."""
    domain_manager_check(community=community, actor=actor)
    domain = domain_of_community(community=community, domain_id=domain_id)
    if domain.is_verified:
        return domain
    domain.next_check_at = timezone.now()
    domain.check_count = 0
    domain.save(update_fields=["next_check_at", "check_count"])
    _verify_enqueue_on_commit(domain.pk)
    return domain


def recheck_delay(check_count: int) -> timedelta:
    """How long to wait after the ``check_count``-th unsuccessful check."""
    steps = max(check_count - 1, 0)
    if steps > 20:  # 2**20 minutes is far past the cap already
        return RECHECK_MAX_DELAY
    return min(RECHECK_FIRST_DELAY * (2**steps), RECHECK_MAX_DELAY)


def _verification_outcome(domain: Domain) -> tuple[str, str]:
    """Ask DNS; return the new status and the reason shown to the owner."""
    name = verification_record_name(domain.domain)
    expected = verification_record_value(domain.verification_token)
    try:
        found = txt_records(name)
    except DnsLookupFailed as exc:
        # No answer says nothing about the record: keep the status, retry later.
        return domain.status, _(
            "The DNS lookup of %(name)s failed (%(error)s); it will be retried."
        ) % {"name": name, "error": exc}
    if expected in found:
        return Domain.Status.VERIFIED, ""
    ours = [value for value in found if value.startswith(VERIFY_VALUE_PREFIX)]
    if not ours:
        return (
            Domain.Status.PENDING,
            _("No TXT record %(expected)r at %(name)s yet. DNS changes can take a while to appear.")
            % {"expected": expected, "name": name},
        )
    shown = ", ".join(repr(value[:80]) for value in ours[:3])
    return (
        Domain.Status.FAILED,
        _("The TXT record at %(name)s has %(shown)s, but the expected value is %(expected)r.")
        % {"name": name, "shown": shown, "expected": expected},
    )


def domain_verify(*, domain_id: int, now: datetime | None = None) -> Domain | None:
    """Check a domain's TXT record and record the outcome; None when the domain
    is gone. Verified domains are left alone.

    The DNS lookup happens outside any transaction or lock; the row is then
    locked and updated only if it still holds the token that was checked.
    """
    domain = Domain.objects.filter(pk=domain_id).first()
    if domain is None or domain.is_verified:
        return domain
    status, reason = _verification_outcome(domain)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Domain.objects.select_for_update().filter(pk=domain_id).first()
        if locked is None or locked.is_verified:
            return locked
        if locked.verification_token != domain.verification_token:
            return locked  # re-issued meanwhile: this answer is about the old token
        locked.status = status
        locked.failure_reason = reason[:500]
        locked.last_checked_at = now
        locked.check_count += 1
        if status == Domain.Status.VERIFIED:
            locked.verified_at = now
            locked.next_check_at = None
        else:
            locked.next_check_at = now + recheck_delay(locked.check_count)
        locked.save(
            update_fields=[
                "status",
                "failure_reason",
                "last_checked_at",
                "check_count",
                "verified_at",
                "next_check_at",
            ]
        )
        if status == Domain.Status.VERIFIED:
            _forget_routes_on_commit(locked.tenant)
    logger.info(
        "domain checked", extra={"domain": locked.domain, "status": status, "reason": reason}
    )
    return locked


@transaction.atomic
def domains_recheck_claim(*, now: datetime | None = None, limit: int = RECHECK_BATCH) -> list[int]:
    """Claim the pending and failed domains whose next check is due and return
    their ids. Claiming pushes their next check forward, so overlapping beat
    runs don't queue the same domain twice."""
    now = now or timezone.now()
    due = list(
        Domain.objects.select_for_update(skip_locked=True)
        .filter(status__in=[Domain.Status.PENDING, Domain.Status.FAILED])
        .filter(Q(next_check_at__lte=now) | Q(next_check_at__isnull=True))
        .order_by("next_check_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    Domain.objects.filter(pk__in=due).update(next_check_at=now + RECHECK_FIRST_DELAY)
    return due


@transaction.atomic
def domain_make_primary(*, community: Community, actor: User, domain_id: int) -> Domain:
    """Make a verified domain the community's primary; every other host then
    redirects to it. Raises PermissionDenied, NotFound, DomainNotVerified."""
    domain_manager_check(community=community, actor=actor)
    # Lock the community's domains in pk order (prevents deadlocks between two
    # concurrent changes of the primary).
    domain_of_community(community=community, domain_id=domain_id)
    domains = list(Domain.objects.select_for_update().filter(tenant=community).order_by("pk"))
    target = next((d for d in domains if d.pk == domain_id), None)
    if target is None:
        raise NotFound(_("No such domain in this community."), code="domain_not_found")
    if not target.is_verified:
        raise DomainNotVerified(
            _("%(domain)s is not verified yet: only a verified domain can be primary.")
            % {"domain": target.domain}
        )
    if target.is_primary:
        return target
    Domain.objects.filter(tenant=community, is_primary=True).update(is_primary=False)
    target.is_primary = True
    target.save(update_fields=["is_primary"])
    with schema_context(community.schema_name):
        site_hostname_set(hostname=target.domain)
    logger.info("primary domain changed", extra={"domain": target.domain})
    _forget_routes_on_commit(community)
    return target


@transaction.atomic
def domain_remove(*, community: Community, actor: User, domain_id: int) -> None:
    """Remove a custom domain. The primary domain and the platform sub-domain
    stay. Raises PermissionDenied, NotFound, DomainLocked."""
    domain_manager_check(community=community, actor=actor)
    domain = domain_of_community(community=community, domain_id=domain_id)
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    if domain.domain == community_default_domain(community.slug):
        raise DomainLocked(
            _("%(domain)s is the community's platform address; it stays.")
            % {"domain": domain.domain}
        )
    if domain.is_primary:
        raise DomainLocked(
            _("%(domain)s is the primary domain: make another domain primary first.")
            % {"domain": domain.domain}
        )
    host = domain.domain
    domain.delete()
    logger.info("domain removed", extra={"domain": host})
    _forget_routes_on_commit(community, host)
