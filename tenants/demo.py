"""Demo data for ``make run``: the registry apps add their demo data to.

Apps register an idempotent seeder from ``AppConfig.ready()`` with
``demo_seeder``; ``tenants.provisioning.demo`` creates the demo communities and
runs every seeder in each. This module stands on ``tenants.models`` alone, so
every app may register without importing provisioning.
"""

from __future__ import annotations

from collections.abc import Callable

from tenants.models import Community

DEMO_PASSWORD = "pista-demo-2026"  # noqa: S105 - published demo credentials


# Functions (community) -> None run inside each demo community's schema, in
# registration order. Apps register theirs from AppConfig.ready().
DEMO_SEEDERS: list[Callable[[Community], None]] = []


def demo_seeder(func: Callable[[Community], None]) -> Callable[[Community], None]:
    """Register an app's idempotent demo-data function."""
    if func not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(func)
    return func


def demo_owner_email(slug: str) -> str:
    return f"owner@{slug}.example"
