from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from pista.errors import ApplicationError
from tenants.lifecycle.services.deletion import (
    community_deletion_cancel,
    community_deletion_schedule,
    community_purge,
)
from tenants.lifecycle.services.suspension import community_reinstate, community_suspend
from tenants.models import Community, Domain, PlatformTermsAcceptance

# Wagtail's documents, images and tags live in community schemas: on the
# platform host (public schema) their tables don't exist and the changelists
# would answer 500. Their admin modules are imported first so that the
# unregistering holds whatever the app order.
for _module, _label in (
    ("wagtail.documents.admin", "wagtaildocs.Document"),
    ("wagtail.images.admin", "wagtailimages.Image"),
    ("taggit.admin", "taggit.Tag"),
):
    import_module(_module)
    _model = apps.get_model(_label)
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

ADMIN_ACTION_REASON = "Django admin action by an operator"


class DomainInline(admin.TabularInline):
    """A community's domains, read only: they change through the domain
    services (the owner's domain settings, the verification task), which check
    them, keep one primary and forget cached routes."""

    model = Domain
    extra = 0
    fields = ["domain", "is_primary", "status", "failure_reason", "last_checked_at", "verified_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Community | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Community | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Community | None = None) -> bool:
        return False


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "language", "currency", "created", "deletion_due_at"]
    list_filter = ["status", "language"]
    search_fields = ["name", "slug"]
    # Status and schema change only through the lifecycle services (the actions
    # below, or the operator console at /console/), which audit the change and
    # forget cached routes at once; communities are created by provisioning
    # (schema, domains, site, owner), never by a bare save.
    readonly_fields = [
        "slug",
        "schema_name",
        "status",
        "created",
        "deletion_requested_at",
        "deletion_due_at",
        "deletion_requested_by",
    ]
    inlines = [DomainInline]
    actions = [
        "suspend_selected",
        "reinstate_selected",
        "schedule_deletion_selected",
        "purge_selected",
        "cancel_deletion_selected",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Created through provisioning: the console's "New community" page.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Community | None = None) -> bool:
        # Read only: its settings change through the community's own settings
        # (audited services), its status through the actions below.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Community]:
        # The platform's own row (public schema) is no community: it is never
        # listed, opened or edited here.
        return super().get_queryset(request).exclude(schema_name=get_public_schema_name())

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django's bulk delete would leave the schema, files and cache keys behind.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Community | None = None) -> bool:
        return False

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Community],
        run: Callable[[Community], object],
        done: str,
    ) -> None:
        for community in queryset:
            try:
                run(community)
            except ApplicationError as exc:
                self.message_user(request, f"{community.slug}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{community.slug}: {done}", messages.SUCCESS)

    @admin.action(description="Suspend (closed to visitors, audited)")
    def suspend_selected(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        self._each(
            request,
            queryset,
            lambda community: community_suspend(
                community=community,
                operator=request.user,
                reason=ADMIN_ACTION_REASON,
                request=request,
            ),
            "suspended.",
        )

    @admin.action(description="Reinstate (open again, audited)")
    def reinstate_selected(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        self._each(
            request,
            queryset,
            lambda community: community_reinstate(
                community=community,
                operator=request.user,
                reason=ADMIN_ACTION_REASON,
                request=request,
            ),
            "reinstated.",
        )

    @admin.action(description="Schedule deletion (grace period, audited)")
    def schedule_deletion_selected(
        self, request: HttpRequest, queryset: QuerySet[Community]
    ) -> None:
        self._each(
            request,
            queryset,
            lambda community: community_deletion_schedule(
                community=community,
                operator=request.user,
                reason=ADMIN_ACTION_REASON,
                request=request,
            ),
            "closed and scheduled for deletion after the grace period.",
        )

    @admin.action(description="Delete for good (grace period over)")
    def purge_selected(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        self._each(
            request,
            queryset,
            lambda community: community_purge(community=community, operator=request.user),
            "deleted for good: schema, files, cache keys and domains removed.",
        )

    @admin.action(description="Cancel the scheduled deletion")
    def cancel_deletion_selected(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        self._each(
            request,
            queryset,
            lambda community: community_deletion_cancel(community=community, operator=request.user),
            "deletion cancelled, the community is active again.",
        )


@admin.register(PlatformTermsAcceptance)
class PlatformTermsAcceptanceAdmin(admin.ModelAdmin):
    """Which founders accepted which version of the platform's terms (read-only)."""

    list_display = ["community_slug", "document", "accepted_at"]
    search_fields = ["community_slug"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
