"""Provisioning of communities: creation from the template, self-service signup,
and the community's own settings (name, language, time zone, look).

Both ``create_community`` and ``seed_demo`` go through ``community_create``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.models import Site

from billing.services.plans import subscription_default_ensure
from cms.services import locales_sync, site_provision, site_starter_claim
from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import login_token_issue, owner_create, user_roles
from pista.errors import ApplicationError, Conflict, PermissionDenied
from pista.tasks import task_enqueue_on_commit
from pista.tenancy import public_schema_activate
from tenants.current import (
    base_host,
    community_default_domain,
    community_url,
    languages_enabled,
)
from tenants.models import Community, Domain, PlatformTermsAcceptance
from tenants.provisioning.dance_styles import DANCE_STYLE_CODES
from tenants.provisioning.schema_versions import schema_versions_record
from tenants.provisioning.spares import (
    spare_schema_rename,
    spare_schema_take,
    spare_schemas_discard_stale,
)
from tenants.provisioning.steps import provisioning_step
from tenants.provisioning.template import (
    catalog_statistics_refresh,
    provisioning_lock,
    schema_clone,
    template_schema_refresh,
)
from tenants.routing.services import community_caches_forget, domain_cache_forget
from tenants.setup import COMMUNITY_SETUP
from tenants.validators import normalise_domain, validate_community_slug
from themes.registry import THEME_NAMES
from themes.services import branding_theme_check, branding_update

if TYPE_CHECKING:
    from core_apps.privacy.models import PolicyDocument

CATALOG_ANALYZE_EVERY = 50
PASSWORD_HASH_STEP = "password hash"  # noqa: S105 - a step's name (provisioning_step)
SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class InvalidCommunity(ApplicationError):
    default_code = "invalid_community"


class CommunityTaken(Conflict):
    default_code = "community_taken"


@dataclass(frozen=True)
class ProvisionedCommunity:
    community: Community
    domains: list[str]
    owner_email: str


def schema_name_for_slug(slug: str) -> str:
    return slug.replace("-", "_")


def _time_zone_validate(time_zone: str) -> None:
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidCommunity(
            _("Unknown time zone %(time_zone)r.") % {"time_zone": time_zone},
            code="invalid_time_zone",
        ) from exc


@dataclass(frozen=True)
class _NewCommunity:
    """What ``community_create`` was asked for, normalised."""

    slug: str
    name: str
    owner_email: str
    domains: list[str]
    language: str
    currency: str
    time_zone: str
    owner_password_hash: Future[str] | None
    owner_email_verified: bool | None
    theme: str
    dance_styles: list[str]

    @property
    def schema_name(self) -> str:
        return schema_name_for_slug(self.slug)


def _validate_new_community(new: _NewCommunity) -> None:
    """Raises InvalidCommunity for bad input, CommunityTaken for a taken slug or domain."""
    try:
        validate_community_slug(new.slug)
    except ValidationError as exc:
        raise InvalidCommunity(exc.messages[0], code=exc.code) from exc
    if not new.name.strip() or len(new.name) > 120:
        raise InvalidCommunity(_("The name must be 1 to 120 characters."), code="invalid_name")
    if new.language not in SUPPORTED_LANGUAGES:
        raise InvalidCommunity(
            _("Unsupported language %(language)r; choose one of %(languages)s.")
            % {"language": new.language, "languages": sorted(SUPPORTED_LANGUAGES)},
            code="invalid_language",
        )
    currency = new.currency
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise InvalidCommunity(
            _("Invalid currency %(currency)r: use an ISO 4217 code such as EUR.")
            % {"currency": currency},
            code="invalid_currency",
        )
    _time_zone_validate(new.time_zone)
    if Community.objects.filter(Q(slug=new.slug) | Q(schema_name=new.schema_name)).exists():
        raise CommunityTaken(
            _("The slug %(slug)r is already taken.") % {"slug": new.slug}, code="slug_taken"
        )
    taken = list(Domain.objects.filter(domain__in=new.domains).values_list("domain", flat=True))
    if taken or base_host() in new.domains:
        raise CommunityTaken(
            _("The domain %(taken)r is already taken.") % {"taken": (taken or [base_host()])[0]},
            code="domain_taken",
        )
    unknown_styles = set(new.dance_styles) - DANCE_STYLE_CODES
    if unknown_styles:
        raise InvalidCommunity(
            _("Unknown dance styles: %(styles)s.") % {"styles": ", ".join(sorted(unknown_styles))},
            code="invalid_styles",
        )
    if new.theme not in THEME_NAMES:
        raise InvalidCommunity(
            _("Unknown theme %(theme)r; choose one of %(themes)s.")
            % {"theme": new.theme, "themes": sorted(THEME_NAMES)},
            code="invalid_theme",
        )


def community_create(
    *,
    slug: str,
    name: str,
    owner_email: str,
    extra_domain: str | None = None,
    language: str = "en",
    currency: str = "EUR",
    time_zone: str = "Europe/Berlin",
    owner_password: str | None = None,
    owner_email_verified: bool | None = None,
    theme: str = "salon",
    dance_styles: list[str] | None = None,
) -> ProvisionedCommunity:
    """Provision a community: its schema, domains, Wagtail site and home page,
    roles, and its owner.

    The schema is a spare from the pool (``tenants.provisioning.spares``), renamed,
    with its site already published under a placeholder name; signups from the
    pool don't wait for each other. With the pool empty the template is cloned
    under the provisioning lock instead. Everything happens in one transaction,
    so a failure leaves nothing behind (a spare goes back to the pool).
    Raises InvalidCommunity for bad input and CommunityTaken for a taken slug or domain.
    """
    slug = slug.strip().lower()
    try:
        domains = [community_default_domain(slug)]
        if extra_domain:
            domains.append(normalise_domain(extra_domain))
    except ValidationError as exc:
        raise InvalidCommunity(exc.messages[0], code=exc.code) from exc
    if len(set(domains)) != len(domains):
        raise InvalidCommunity(
            _("The extra domain repeats the default one."), code="invalid_domain"
        )
    # The password's hash (scrypt: ~0.1 s of CPU, without the GIL) is computed
    # in a thread while the database does the rest.
    hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pista-signup-hash")
    try:
        new = _NewCommunity(
            slug=slug,
            name=name,
            owner_email=owner_email.strip().lower(),
            domains=domains,
            language=language,
            currency=currency.strip().upper(),
            time_zone=time_zone,
            owner_password_hash=(
                None
                if owner_password is None
                else hasher.submit(copy_context().run, _password_hash, owner_password)
            ),
            owner_email_verified=owner_email_verified,
            theme=theme,
            dance_styles=dance_styles or [],
        )
        try:
            community = _community_create_from_spare(new) or _community_create_by_clone(new)
        except (IntegrityError, OperationalError):
            # Signups from the pool don't take the provisioning lock: a
            # concurrent one (or a restore) may have taken the slug or a domain
            # since the check — a unique violation, or a deadlock with a
            # restore creating the same schema. Say which.
            _validate_new_community(new)
            raise
    finally:
        hasher.shutdown(wait=False, cancel_futures=True)
    with provisioning_step("caches"):
        domain_cache_forget(domains)
    if settings.PISTA_SPARE_SCHEMAS:
        # The task module imports this one.
        from tenants.provisioning.tasks import spare_schemas_refill_task

        with provisioning_step("pool refill queued"):
            task_enqueue_on_commit(spare_schemas_refill_task)
    return ProvisionedCommunity(community=community, domains=domains, owner_email=new.owner_email)


def _password_hash(password: str) -> str:
    with provisioning_step(PASSWORD_HASH_STEP, background=True):
        return make_password(password)


def _community_create_from_spare(new: _NewCommunity) -> Community | None:
    """The community, in a spare schema from the pool; None when the pool is empty."""
    with transaction.atomic():
        with provisioning_step("spare taken"):
            spare = spare_schema_take()
        if spare is None:
            return None
        community = _community_row_create(new)
        with provisioning_step("schema renamed"):
            spare_schema_rename(spare=spare, target=community.schema_name)
        _community_fill(community, new, site_create=site_starter_claim)
    return community


def _community_create_by_clone(new: _NewCommunity) -> Community:
    """The community, in a new clone of the template (the pool is empty)."""
    with provisioning_lock():
        # Migrations can't run inside the provisioning transaction, so the
        # template is brought up to date first.
        template_schema_refresh()
        with transaction.atomic():
            community = _community_row_create(new)
            schema_clone(target=community.schema_name)
            _community_fill(community, new, site_create=site_provision)
        public_schema_activate()
    if Community.objects.count() % CATALOG_ANALYZE_EVERY == 0:
        catalog_statistics_refresh()
    return community


def _community_row_create(new: _NewCommunity) -> Community:
    with provisioning_step("validated"):
        _validate_new_community(new)
    with provisioning_step("community row"):
        return Community.objects.create(
            schema_name=new.schema_name,
            slug=new.slug,
            name=new.name.strip(),
            language=new.language,
            currency=new.currency,
            time_zone=new.time_zone,
            theme=new.theme,
            dance_styles=sorted(set(new.dance_styles)),
        )


def _community_fill(
    community: Community, new: _NewCommunity, *, site_create: Callable[..., Site]
) -> None:
    """Everything a new community has besides its schema: the schema's version
    marker, domains, site, locales, the apps' set-up steps, owner and plan."""
    # Cloned from a template (or a spare of it) that is current: so is the schema.
    with provisioning_step("schema version"):
        schema_versions_record(schemas=[community.schema_name])
    primary, *others = new.domains
    # The platform sub-domain is the platform's own DNS: verified from the start.
    # An extra (custom) domain routes once its owner proves control of it.
    with provisioning_step("domains"):
        Domain.objects.create(
            domain=primary, tenant=community, is_primary=True, status=Domain.Status.VERIFIED
        )
        for host in others:
            Domain.objects.create(domain=host, tenant=community, is_primary=False)
    with schema_context(community.schema_name):
        with provisioning_step("wagtail site"):
            site_create(community=community, hostname=primary)
        # The starter pages are written in the community's language.
        with provisioning_step("locales"):
            locales_sync(languages=languages_enabled(community), relabel=True)
        with provisioning_step("community setup"):
            community_setup_run(community=community)
        # Last but the plan: the password's hash was computed meanwhile.
        with provisioning_step("password hash wait"):
            password_hash = new.owner_password_hash.result() if new.owner_password_hash else None
        with provisioning_step("owner"):
            owner_create(
                email=new.owner_email,
                password_hash=password_hash,
                community=community,
                email_verified=new.owner_email_verified,
            )
    # A new community starts on the free plan (when operators made one), after
    # its owner: a plan's staff-seat limit never refuses a community its owner.
    with provisioning_step("subscription"):
        subscription_default_ensure(community=community)


def community_setup_run(*, community: Community) -> None:
    """Run every registered set-up step (``tenants.setup``) in ``community``'s
    schema, in its default language. The steps are idempotent: this also
    completes an existing community."""
    with (
        schema_context(community.schema_name),
        translation.override(languages_enabled(community)[0]),
    ):
        for step in COMMUNITY_SETUP:
            step(community)


@transaction.atomic
def community_languages_set(
    *,
    community: Community,
    language: str | None = None,
    languages: Sequence[str] = (),
    relabel_pages: bool = False,
) -> Community:
    """Set the community's default ``language`` (unchanged if None) and its
    further ``languages``, and give its pages a Wagtail locale for each (so they
    can be translated). ``relabel_pages``: the pages are written in the default
    language (see cms.services.locales_sync). Raises InvalidCommunity for a
    language Pista doesn't support."""
    default = community.language if language is None else language
    unknown = sorted({default, *languages} - SUPPORTED_LANGUAGES)
    if unknown:
        raise InvalidCommunity(
            f"Unsupported language {unknown[0]!r}; choose from {sorted(SUPPORTED_LANGUAGES)}.",
            code="invalid_language",
        )
    community.language = default
    community.languages = [code for code in dict.fromkeys(languages) if code != default]
    community.save(update_fields=["language", "languages"])
    with schema_context(community.schema_name):
        locales_sync(languages=languages_enabled(community), relabel=relabel_pages)
    community_caches_forget(community=community)
    return community


def platform_tenant_ensure() -> Community:
    """Make sure the public tenant (the platform site) exists with the base host."""
    public = get_public_schema_name()
    community, _created = Community.objects.get_or_create(
        schema_name=public,
        defaults={"slug": "platform", "name": "Pista"},
    )
    Domain.objects.get_or_create(
        domain=base_host(),
        defaults={"tenant": community, "is_primary": True, "status": Domain.Status.VERIFIED},
    )
    return community


def template_prepare() -> bool:
    """Bring the template schema up to date (run after every deploy's migrations)."""
    with provisioning_lock():
        changed = template_schema_refresh()
        public_schema_activate()
    if changed:
        spare_schemas_discard_stale()
    return changed


def community_settings_update(
    *,
    community: Community,
    actor: User,
    name: str | None = None,
    language: str | None = None,
    time_zone: str | None = None,
) -> Community:
    """Change a community's name, default language or time zone.

    Only its owners and admins may. Raises PermissionDenied, InvalidCommunity.
    """
    if not actor.is_authenticated or not user_roles(user=actor) & {Role.OWNER, Role.ADMIN}:
        raise PermissionDenied(_("Only the community's owners and admins can change its settings."))
    if name is not None:
        if not name.strip() or len(name) > 120:
            raise InvalidCommunity(_("The name must be 1 to 120 characters."), code="invalid_name")
        community.name = name.strip()
    if language is not None:
        if language not in SUPPORTED_LANGUAGES:
            raise InvalidCommunity(
                _("Unsupported language %(language)r; choose one of %(languages)s.")
                % {"language": language, "languages": sorted(SUPPORTED_LANGUAGES)},
                code="invalid_language",
            )
        community.language = language
    if time_zone is not None:
        _time_zone_validate(time_zone)
        community.time_zone = time_zone
    community.save(update_fields=["name", "language", "time_zone"])
    community_caches_forget(community=community)
    return community


@dataclass(frozen=True)
class CommunitySignup:
    provisioned: ProvisionedCommunity
    welcome_url: str


def community_signup(
    *,
    name: str,
    slug: str,
    owner_email: str,
    password: str,
    dance_styles: list[str],
    language: str,
    currency: str,
    time_zone: str,
    accepted_documents: Sequence[PolicyDocument] = (),
) -> CommunitySignup:
    """Self-service signup: provision the community with the visitor as owner
    (email still to be verified) and a one-time link that signs them in on the
    new host; record which versions of the platform's terms they accepted.
    Raises InvalidCommunity, CommunityTaken."""
    provisioned = community_create(
        slug=slug,
        name=name,
        owner_email=owner_email,
        owner_password=password,
        owner_email_verified=False,
        language=language,
        currency=currency,
        time_zone=time_zone,
        dance_styles=dance_styles,
    )
    with provisioning_step("terms"):
        PlatformTermsAcceptance.objects.bulk_create(
            PlatformTermsAcceptance(
                community=provisioned.community,
                community_slug=provisioned.community.slug,
                document=document,
            )
            for document in accepted_documents
        )
    with provisioning_step("login token"):
        token = login_token_issue(
            schema=provisioned.community.schema_name, email=provisioned.owner_email
        )
    welcome_url = f"{community_url(community=provisioned.community)}/welcome/{token}/"
    return CommunitySignup(provisioned=provisioned, welcome_url=welcome_url)


def community_look_set(
    *,
    community: Community,
    actor: User,
    theme: str,
    primary_colour: str,
    background_colour: str,
    text_colour: str,
) -> Community:
    """Onboarding's "choose a theme" step: theme and main colours in one go.

    The colours are checked (syntax and WCAG AA contrast) against the new theme
    before it is switched on. Raises PermissionDenied, InvalidTheme, InvalidBranding.
    """

    if not actor.is_authenticated or not user_roles(user=actor) & {Role.OWNER, Role.ADMIN}:
        raise PermissionDenied(_("Only the community's owners and admins can change its look."))
    with transaction.atomic():
        branding_update(
            site=Site.objects.get(is_default_site=True),
            theme=theme,
            primary_colour=primary_colour,
            background_colour=background_colour,
            text_colour=text_colour,
        )
        community_theme_set(community=community, theme=theme)
        community.theme_chosen = True
        community.save(update_fields=["theme_chosen"])
    return community


def community_theme_set(*, community: Community, theme: str) -> Community:
    """Switch a community's theme. The whole site (pages, account pages, error
    pages, emails) follows at once.

    The community's branding colours must still pass WCAG AA over the new theme's
    defaults. Raises InvalidTheme, InvalidBranding.
    """
    branding_theme_check(community=community, theme=theme)
    community.theme = theme
    community.save(update_fields=["theme"])
    # Requests read the community from the cached host lookup: drop it.
    community_caches_forget(community=community)
    return community
