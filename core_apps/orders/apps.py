from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "core_apps.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.orders import demo  # noqa: F401 - registers the demo seeder
        from core_apps.orders.selectors import payments_set_up
        from tenants.onboarding import onboarding_step_register, url_first

        onboarding_step_register(
            key="payments",
            label=str(_("Set up payments")),
            # The back office's payments page; until it is there, the page
            # that explains how payments are set up.
            url=url_first("manage:payments", fallback="/onboarding/payments/"),
            done=lambda community: payments_set_up(),
            position=40,
        )
