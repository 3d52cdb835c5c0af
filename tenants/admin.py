from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from pista.errors import ApplicationError
from tenants.lifecycle.services.deletion import community_deletion_cancel, community_purge
from tenants.models import Community, Domain, PlatformTermsAcceptance


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    # Operators may set a status by hand (e.g. a domain verified out of band);
    # the DNS bookkeeping is the verification task's.
    fields = ["domain", "is_primary", "status", "failure_reason", "last_checked_at", "verified_at"]
    readonly_fields = ["failure_reason", "last_checked_at", "verified_at"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "language", "currency", "created", "deletion_due_at"]
    list_filter = ["status", "language"]
    search_fields = ["name", "slug"]
    readonly_fields = [
        "schema_name",
        "created",
        "deletion_requested_at",
        "deletion_due_at",
        "deletion_requested_by",
    ]
    inlines = [DomainInline]
    actions = ["purge_selected", "cancel_deletion_selected"]

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
