"""Communities (the tenants) and the domains that route to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Community(TenantMixin):
    """One dance community: its own schema, domains, users and content."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    language = models.CharField(max_length=8, default="en")
    currency = models.CharField(max_length=3, default="EUR")
    time_zone = models.CharField(max_length=64, default="Europe/Berlin")
    theme = models.CharField(max_length=32, default="salon")
    dance_styles = models.JSONField(default=list, blank=True)
    theme_chosen = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    # Schemas are created by tenants.services (clone of the template schema),
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
        return self.status == self.Status.SUSPENDED


class Domain(DomainMixin):
    """A host name that routes to a community (or, for the public tenant, the platform)."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="tenants_domain_one_primary_per_community",
            )
        ]

    def __str__(self) -> str:
        return self.domain


class SpareSchema(models.Model):
    """A schema cloned ahead of time from the template, waiting for a signup.

    Provisioning renames one (``ALTER SCHEMA … RENAME``) instead of cloning, so
    a new community waits milliseconds. ``template_version`` identifies the set
    of migrations the template had: spares of an older version are discarded.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    template_version = models.CharField(max_length=40, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.schema_name
