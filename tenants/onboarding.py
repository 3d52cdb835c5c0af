"""The new owner's onboarding checklist: what makes a community site ready."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tenants.models import Community


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    url: str
    done: bool


def _has_extra_domain(community: Community) -> bool:
    return community.domains.count() > 1


def _has_event(community: Community) -> bool:
    from core_apps.events.models import Event

    return Event.objects.exists()


# Apps add their own step by appending (key, label, url, done function).
CHECKLIST_STEPS: list[tuple[str, str, str, Callable[[Community], bool]]] = [
    ("theme", str(_("Choose a theme")), "/onboarding/#theme", lambda c: c.theme_chosen),
    ("logo", str(_("Upload a logo")), "/cms/settings/", lambda c: False),
    ("event", str(_("Create your first event")), "/events/manage/", _has_event),
    ("payments", str(_("Connect payments")), "/cms/", lambda c: False),
    ("domain", str(_("Add your own domain")), "/settings/domains/", _has_extra_domain),
]


def onboarding_checklist(*, community: Community) -> list[ChecklistItem]:
    """The checklist with each step's state for ``community`` (run in its schema)."""
    return [
        ChecklistItem(key=key, label=label, url=url, done=bool(done(community)))
        for key, label, url, done in CHECKLIST_STEPS
    ]
