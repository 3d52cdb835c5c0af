"""What every new community starts with: the registry domain apps add to.

Apps register an idempotent, cheap step from ``AppConfig.ready()`` with
``community_setup_step`` (the signup from the spare pool runs every step, so a
step must cost a query or two). ``tenants.provisioning`` runs them inside the
new community's schema, in its default language, when it creates a community;
``manage.py community_setup_ensure`` runs them in every existing community.
This module stands on ``tenants.models`` alone, so every app may register
without importing provisioning.
"""

from __future__ import annotations

from collections.abc import Callable

from tenants.models import Community

# Functions (community) -> None run inside the community's schema, with its
# default language active, in registration order.
COMMUNITY_SETUP: list[Callable[[Community], None]] = []


def community_setup_step(func: Callable[[Community], None]) -> Callable[[Community], None]:
    """Register an app's idempotent set-up step for new communities."""
    if func not in COMMUNITY_SETUP:
        COMMUNITY_SETUP.append(func)
    return func
