"""The new owner's onboarding checklist: what makes a community site ready.

The platform's own steps are listed here; apps add theirs from
``AppConfig.ready()`` with ``onboarding_step_register`` (themes adds "upload a
logo", events "publish your first event", orders "set up payments"), so the
checklist imports none of the layers above it. Every step is done by doing
it: its state is read from the data (a logo stored, an event published, a
payment account connected, a domain added), never ticked by hand. Step
links are URL names, resolved when shown: the first that exists is used (the
back office's pages once they are there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
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
    # Lazy: translated into the language of the request that shows the checklist.
    label: str | Promise
    # A path, or a callable giving one when the checklist is shown.
    url: str | Callable[[], str]
    done: Callable[[Community], bool]
    # Steps are shown by position, whichever app registered them first.
    position: int


def url_first(*names: str, fallback: str = "") -> Callable[[], str]:
    """The first of the URL ``names`` that exists (``reverse``), else ``fallback``."""

    def resolve() -> str:
        for name in names:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return fallback

    return resolve


def _has_extra_domain(community: Community) -> bool:
    return community.domains.count() > 1


ONBOARDING_STEPS: dict[str, OnboardingStep] = {
    step.key: step
    for step in (
        OnboardingStep(
            "theme", _("Choose a theme"), "/onboarding/#theme", lambda c: c.theme_chosen, 10
        ),
        OnboardingStep(
            "domain",
            _("Add your own domain"),
            url_first("manage:domains", "domains-page", fallback="/settings/domains/"),
            _has_extra_domain,
            50,
        ),
    )
}


def onboarding_step_register(
    *,
    key: str,
    label: str | Promise,
    url: str | Callable[[], str],
    done: Callable[[Community], bool],
    position: int,
) -> None:
    """Add (or replace) a checklist step; ``done(community)`` runs in its schema."""
    ONBOARDING_STEPS[key] = OnboardingStep(key, label, url, done, position)


def onboarding_checklist(*, community: Community) -> list[ChecklistItem]:
    """The checklist with each step's state for ``community`` (run in its schema)."""
    return [
        ChecklistItem(
            key=step.key,
            label=str(step.label),
            url=step.url() if callable(step.url) else step.url,
            done=bool(step.done(community)),
        )
        for step in sorted(ONBOARDING_STEPS.values(), key=lambda step: step.position)
    ]
