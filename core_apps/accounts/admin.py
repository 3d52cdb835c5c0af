from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core_apps.accounts.forms import UserCreationWithoutPasswordForm
from core_apps.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Operators manage users here but never their passwords: no password on
    the add form, no "change password" page (``<id>/password/``). Passwords are
    set and changed through allauth only (reset link, change page)."""

    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        ("Profile", {"fields": ("display_name", "first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_form = UserCreationWithoutPasswordForm
    add_form_template = None
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email",)}),)

    def get_urls(self) -> list[Any]:
        """The model admin's URLs without Django's set-a-password page."""
        return admin.ModelAdmin.get_urls(self)
