from __future__ import annotations

from django.contrib import admin

from tenants.models import Community, Domain


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "language", "currency", "created"]
    list_filter = ["status", "language"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "created"]
    inlines = [DomainInline]
