from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from core_apps.privacy.models import AuditEntry, PolicyDocument


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The operators' audit log (public schema), read-only."""

    list_display = [
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_label",
        "ip_address",
    ]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id", "action"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    """The platform's own privacy policy and terms (public schema). A version
    is never edited: saving publishes the next one."""

    list_display = ["kind", "version", "published_at", "summary_of_changes"]
    list_filter = ["kind"]
    fields = ["kind", "text", "summary_of_changes"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: PolicyDocument, form: ModelForm, change: bool
    ) -> None:
        from core_apps.privacy.services.consents import policy_publish

        published = policy_publish(
            kind=obj.kind,
            text=obj.text,
            summary_of_changes=obj.summary_of_changes,
            published_by=request.user,
        )
        obj.pk = published.pk
        obj.version = published.version
