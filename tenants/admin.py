from __future__ import annotations

from django.contrib import admin

from tenants.models import Community, Domain


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    # Operators may set a status by hand (e.g. a domain verified out of band);
    # the DNS bookkeeping is the verification task's.
    fields = ["domain", "is_primary", "status", "failure_reason", "last_checked_at", "verified_at"]
    readonly_fields = ["failure_reason", "last_checked_at", "verified_at"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "language", "currency", "created"]
    list_filter = ["status", "language"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "created"]
    inlines = [DomainInline]
