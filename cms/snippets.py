"""Read-only snippets: domain models shown in the CMS without a write path.

Events, the catalogue, venues and artists change only through their apps'
services (rules, audit entries, side effects), from the back office at
``/manage/``. The CMS may list and inspect them; adding, editing and deleting
are refused for everyone, superusers included."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

WRITE_ACTIONS = frozenset({"add", "change", "delete", "publish", "unpublish", "lock", "unlock"})


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing for holders of the model's view (or change) permission; no writes."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in WRITE_ACTIONS:
            return False
        if action == "view":
            return super().user_has_permission(user, "view") or super().user_has_permission(
                user, "change"
            )
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet[Any]:
        readable = [action for action in actions if action not in WRITE_ACTIONS]
        if not readable:
            return get_user_model().objects.none()
        if "view" in readable:
            readable.append("change")
        return super().users_with_any_permission(readable)


class ReadOnlySnippetViewSet(SnippetViewSet):
    """A snippet listed and inspected in the CMS, never written there."""

    inspect_view_enabled = True
    copy_view_enabled = False

    def register_permissions(self) -> None:
        # Registered before Wagtail looks one up: its views then ask this policy.
        register_permission_policy(
            self.model, ReadOnlyPermissionPolicy(self.model), exact_class=True
        )
        super().register_permissions()
