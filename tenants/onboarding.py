"""The new owner's onboarding checklist: what makes a community site ready.

The platform's own steps are listed here; apps add theirs from
``AppConfig.ready()`` with ``onboarding_step_register`` (events adds "create
your first event"), so the checklist never imports a domain app.
"""

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


@dataclass(frozen=True)
class OnboardingStep:
    key: str
    label: str
    url: str
    done: Callable[[Community], bool]
    # Steps are shown by position, whichever app registered them first.
    position: int


def _has_extra_domain(community: Community) -> bool:
    return community.domains.count() > 1


ONBOARDING_STEPS: dict[str, OnboardingStep] = {
    step.key: step
    for step in (
        OnboardingStep(
            "theme", str(_("Choose a theme")), "/onboarding/#theme", lambda c: c.theme_chosen, 10
        ),
        OnboardingStep("logo", str(_("Upload a logo")), "/cms/settings/", lambda c: False, 20),
        OnboardingStep("payments", str(_("Connect payments")), "/cms/", lambda c: False, 40),
        OnboardingStep(
            "domain", str(_("Add your own domain")), "/settings/domains/", _has_extra_domain, 50
        ),
    )
}


def onboarding_step_register(
    *, key: str, label: str, url: str, done: Callable[[Community], bool], position: int
) -> None:
    """Add (or replace) a checklist step; ``done(community)`` runs in its schema."""
    ONBOARDING_STEPS[key] = OnboardingStep(key, label, url, done, position)


def onboarding_checklist(*, community: Community) -> list[ChecklistItem]:
    """The checklist with each step's state for ``community`` (run in its schema)."""
    return [
        ChecklistItem(key=step.key, label=step.label, url=step.url, done=bool(step.done(community)))
        for step in sorted(ONBOARDING_STEPS.values(), key=lambda step: step.position)
    ]
