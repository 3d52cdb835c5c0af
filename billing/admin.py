"""Operators edit plans in the platform's Django admin; every save goes through
``plan_save`` (validated, audited). Subscriptions and events are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from billing.models import ConnectedAccount, Plan, PlatformStripeEvent, Subscription
from billing.services.plans import PLAN_FIELDS, plan_save


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "price_minor", "currency", "interval", "active")
    ordering = ("position",)

    def get_readonly_fields(self, request: HttpRequest, obj: Plan | None = None) -> tuple[str, ...]:
        return ("slug",) if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return False  # withdrawn plans are made inactive: subscriptions refer to them

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name] for name in PLAN_FIELDS if name in form.cleaned_data
        }
        saved = plan_save(actor=request.user, slug=obj.slug, **fields)
        obj.pk = saved.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("community", "plan", "status", "past_due_since")
    list_filter = ("status", "plan")


@admin.register(PlatformStripeEvent)
class PlatformStripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "account", "result", "received_at", "processed_at")
    list_filter = ("result", "type")


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(ReadOnlyAdmin):
    list_display = ("community", "account_id", "charges_enabled", "payouts_enabled")
