"""The sanctioned path between the domain apps and the platform's billing.

Domain apps may not import ``billing`` (the platform layer) freely, and
``core_apps.accounts`` sits beside it; both may import ``pista``. So the
contract lives here, and both sides plug into it from ``AppConfig.ready()``:

- domain apps register **usage counters** (how many members, published events
  in a month, staff seats… the current schema holds) and call
  ``plan_limit_check`` / ``plan_feature_require`` inside the transaction that
  grows the usage;
- ``billing`` registers the **enforcer**, which locks the community's
  subscription row (so two requests at the boundary serialise), reads the
  plan's limit, counts the usage through the registered counter and raises
  ``PlanLimitReached`` with an upgrade message.

Without an enforcer (or for a community on no plan) nothing is limited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pista.errors import ApplicationError

# The limits a plan sets; the usage counters are registered under these names.
LIMIT_MEMBERS = "members"
LIMIT_EVENTS_PER_MONTH = "events_per_month"
LIMIT_STAFF_SEATS = "staff_seats"
LIMIT_CUSTOM_DOMAINS = "custom_domains"
LIMIT_STORAGE_MB = "storage_mb"
LIMITS = (
    LIMIT_MEMBERS,
    LIMIT_EVENTS_PER_MONTH,
    LIMIT_STAFF_SEATS,
    LIMIT_CUSTOM_DOMAINS,
    LIMIT_STORAGE_MB,
)

FEATURE_PARTNER_FINDER = "partner_finder"
FEATURE_API_ACCESS = "api_access"
FEATURES = (FEATURE_PARTNER_FINDER, FEATURE_API_ACCESS)


class PlanLimitReached(ApplicationError):
    """The community's plan does not allow this; the message says which plan
    would (an upgrade) or what to remove first (a downgrade)."""

    default_code = "plan_limit_reached"
    status_code = 403


# Usage counters: (**context) -> int, run in the community's schema.
_USAGE_COUNTERS: dict[str, Callable[..., int]] = {}
Enforcer = Callable[..., None]
_ENFORCER: list[Enforcer] = []
_FEATURE_CHECKER: list[Callable[[str], None]] = []
_FEE_PERMILLE: list[Callable[[], int | None]] = []


def usage_counter_register(limit: str, counter: Callable[..., int]) -> None:
    """A domain app says how to count one limit's usage in the current schema."""
    if limit not in LIMITS:
        raise ValueError(f"unknown plan limit {limit!r}")
    _USAGE_COUNTERS[limit] = counter


def usage_count(limit: str, **context: Any) -> int | None:
    """The usage of ``limit`` in the current schema, or None if nothing counts it."""
    counter = _USAGE_COUNTERS.get(limit)
    return None if counter is None else int(counter(**context))


def plan_enforcer_register(
    *,
    limit_check: Enforcer,
    feature_check: Callable[[str], None],
    fee_permille: Callable[[], int | None],
) -> None:
    """``billing`` plugs its enforcement in (once)."""
    _ENFORCER[:] = [limit_check]
    _FEATURE_CHECKER[:] = [feature_check]
    _FEE_PERMILLE[:] = [fee_permille]


def plan_limit_check(limit: str, *, adding: int = 1, **context: Any) -> None:
    """Refuse growing ``limit`` by ``adding`` past the community's plan.

    Call it inside the transaction that writes the new row: the enforcer locks
    the community's subscription until that transaction ends, so concurrent
    requests at the boundary admit exactly the allowed number. Raises
    PlanLimitReached."""
    if limit not in LIMITS:
        raise ValueError(f"unknown plan limit {limit!r}")
    for enforcer in _ENFORCER:
        enforcer(limit, adding=adding, **context)


def plan_feature_require(feature: str) -> None:
    """Refuse a feature the community's plan lacks. Raises PlanLimitReached."""
    if feature not in FEATURES:
        raise ValueError(f"unknown plan feature {feature!r}")
    for checker in _FEATURE_CHECKER:
        checker(feature)


def application_fee_permille() -> int | None:
    """The platform's fee on ticket sales for the current community's plan, in
    permille; None when no plan says (the caller's default applies)."""
    for fee in _FEE_PERMILLE:
        return fee()
    return None


# Connected accounts' Stripe events, routed by billing to their community, are
# handed to these (run in the community's schema): ``orders`` registers its
# payment-event processing. ``handler(event=dict, payload=bytes)``.
_CONNECTED_EVENT_HANDLERS: list[Callable[..., None]] = []
# Told the community's connected account id when onboarding creates it (run in
# the community's schema): ``orders`` stores it in its payment settings.
_CONNECT_ACCOUNT_LISTENERS: list[Callable[[str], None]] = []


def connected_event_handler_register(handler: Callable[..., None]) -> None:
    if handler not in _CONNECTED_EVENT_HANDLERS:
        _CONNECTED_EVENT_HANDLERS.append(handler)


def connected_event_handlers() -> list[Callable[..., None]]:
    return list(_CONNECTED_EVENT_HANDLERS)


def connect_account_listener_register(listener: Callable[[str], None]) -> None:
    if listener not in _CONNECT_ACCOUNT_LISTENERS:
        _CONNECT_ACCOUNT_LISTENERS.append(listener)


def connect_account_listeners() -> list[Callable[[str], None]]:
    return list(_CONNECT_ACCOUNT_LISTENERS)
