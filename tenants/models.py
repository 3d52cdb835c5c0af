"""Communities (the tenants) and the domains that route to them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name


class Community(TenantMixin):
    """One dance community: its own schema, domains, users and content."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        # The owner asked for deletion: closed like a suspended community until
        # the grace period ends (the owner may cancel), then deleted for good.
        DELETION_PENDING = "deletion_pending", _("Deletion pending")

    # TenantMixin's field, redeclared only to give it a translatable label.
    schema_name = models.CharField(
        _("schema name"),
        max_length=63,
        unique=True,
        db_index=True,
        validators=[_check_schema_name],
    )
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    language = models.CharField(_("default language"), max_length=8, default="en")
    # Further languages the site is offered in (the default is always offered).
    languages = models.JSONField(_("further languages"), default=list, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    theme = models.CharField(_("theme"), max_length=32, default="salon")
    dance_styles = models.JSONField(_("dance styles"), default=list, blank=True)
    theme_chosen = models.BooleanField(_("theme chosen"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    deletion_requested_at = models.DateTimeField(_("deletion requested at"), null=True, blank=True)
    deletion_due_at = models.DateTimeField(
        _("deletion due at"), null=True, blank=True, db_index=True
    )
    deletion_requested_by = models.CharField(_("deletion requested by"), max_length=254, blank=True)

    # Schemas are created by tenants.provisioning (clone of the template schema),
    # dropped only by the explicit deletion service.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_suspended(self) -> bool:
        """Closed to visitors: suspended by an operator or awaiting deletion."""
        return self.status in (self.Status.SUSPENDED, self.Status.DELETION_PENDING)

    @property
    def is_deletion_pending(self) -> bool:
        return self.status == self.Status.DELETION_PENDING


def domain_verification_token_new() -> str:
    """A fresh secret the owner publishes in DNS to prove control of a domain."""
    return secrets.token_hex(16)


class Domain(DomainMixin):
    """A host name that routes to a community (or, for the public tenant, the platform).

    Only verified domains route. Platform sub-domains (``<slug>.<base>``) are
    created verified; a custom domain starts pending until its TXT record
    ``_pista-verify.<domain>`` carries the verification token.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Failed")

    # DomainMixin's fields, redeclared only to give them translatable labels.
    domain = models.CharField(_("domain"), max_length=253, unique=True, db_index=True)
    tenant = models.ForeignKey(
        settings.TENANT_MODEL,
        db_index=True,
        related_name="domains",
        on_delete=models.CASCADE,
        verbose_name=_("community"),
    )
    # django-tenants defaults this to True, and saving a primary demotes the
    # others: a new domain must never take over routing by default.
    is_primary = models.BooleanField(_("primary"), default=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    verification_token = models.CharField(
        _("verification token"), max_length=64, default=domain_verification_token_new
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    # Periodic re-checks back off: each unsuccessful check doubles the wait.
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, db_index=True)
    check_count = models.PositiveIntegerField(_("checks"), default=0)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="tenants_domain_one_primary_per_community",
            ),
            # A domain nobody proved control of must never become the one
            # every other host redirects to.
            models.CheckConstraint(
                condition=models.Q(is_primary=False) | models.Q(status="verified"),
                name="tenants_domain_primary_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class SpareSchema(models.Model):
    """A schema cloned ahead of time from the template, waiting for a signup.

    Provisioning renames one (``ALTER SCHEMA … RENAME``) instead of cloning, so
    a new community waits milliseconds. ``template_version`` is the fingerprint
    of what the template had (its migrations and role groups:
    ``tenants.provisioning.spares.spare_schema_version``): spares of an older
    version are discarded.
    """

    schema_name = models.CharField(_("schema name"), max_length=63, unique=True)
    template_version = models.CharField(_("template version"), max_length=40, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("spare schema")
        verbose_name_plural = _("spare schemas")
        ordering = ["created"]

    def __str__(self) -> str:
        return self.schema_name


class PlatformTermsAcceptance(models.Model):
    """A community's founder accepted a version of the platform's own terms or
    privacy policy (published by operators in the public schema) at signup.

    The founder is the community's first owner, identified inside the community;
    the row outlives the community (slug kept) as proof of what was agreed.
    """

    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("community"),
    )
    community_slug = models.CharField(_("community slug"), max_length=63)
    document = models.ForeignKey(
        "privacy.PolicyDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("policy version"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("platform terms acceptance")
        verbose_name_plural = _("platform terms acceptances")
        ordering = ["-accepted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.community_slug} accepted {self.document}"


class SchemaVersion(models.Model):
    """Which migrations a schema has, as one fingerprint (``tenants.provisioning.schema_versions``):
    readiness compares it with the code's in one query instead of reading every
    schema's ``django_migrations``."""

    schema_name = models.CharField(_("schema name"), max_length=63, unique=True)
    version = models.CharField(_("version"), max_length=64)
    # The role groups' fingerprint last synced into the schema (``roles_sync``).
    roles_version = models.CharField(_("roles version"), max_length=64, blank=True, default="")
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("schema version")
        verbose_name_plural = _("schema versions")

    def __str__(self) -> str:
        return f"{self.schema_name}: {self.version[:12]}"


class TemplateDump(models.Model):
    """The template schema as SQL (``pg_dump``), kept for every process that
    provisions: past ~1,000 communities a dump reads the whole catalog for
    minutes, so ``migrate_all`` takes it once per deploy and signups replay it.
    ``key`` names the migrations and role groups it holds."""

    key = models.CharField(_("key"), max_length=160, unique=True)
    sql = models.TextField(_("SQL"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("template dump")
        verbose_name_plural = _("template dumps")

    def __str__(self) -> str:
        return self.key[:24]
