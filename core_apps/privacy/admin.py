from django.contrib import admin

from core_apps.privacy.models import AuditEntry


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

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
