"""The community's audit log in the CMS (``/cms/audit-log/``), read-only, for
whoever holds ``privacy.view_auditentry`` (the owner role)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core_apps.privacy.selectors import audit_entries_recent

AUDIT_PERMISSION = "privacy.view_auditentry"
PAGE_SIZE = 50


def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(AUDIT_PERMISSION):
        raise PermissionDenied
    action = request.GET.get("action", "").strip()[:64]
    entries = audit_entries_recent(action_prefix=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/admin/audit_log.html",
        {
            "page": page,
            "action": action,
            "header_title": gettext("Audit log"),
            "page_title": gettext("Audit log"),
        },
    )


@hooks.register("register_admin_urls")
def audit_log_urls() -> list:
    return [path("audit-log/", audit_log_view, name="pista_audit_log")]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(AUDIT_PERMISSION)


@hooks.register("register_admin_menu_item")
def audit_log_menu_item() -> MenuItem:
    return AuditLogMenuItem(
        gettext("Audit log"), reverse("pista_audit_log"), icon_name="history", order=10000
    )
