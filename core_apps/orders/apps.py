from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "core_apps.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.navigation import menu_link_register
        from core_apps.orders.menus import orders_member_links

        menu_link_register(section="member", position=10, provider=orders_member_links)
        from core_apps.orders import demo  # noqa: F401 - registers the demo seeder
        from core_apps.orders.services import payment_settings_account_set, stripe_event_store
        from pista.billing_hooks import (
            connect_account_listener_register,
            connected_event_handler_register,
        )

        # The platform's Stripe endpoint routes connected accounts' events here,
        # and Connect onboarding tells us the account (pista.billing_hooks).
        connected_event_handler_register(stripe_event_store)
        connect_account_listener_register(payment_settings_account_set)

        from core_apps.orders.selectors import payments_set_up
        from tenants.onboarding import onboarding_step_register, url_first

        onboarding_step_register(
            key="payments",
            label=_("Set up payments"),
            # The back office's payments page; until it is there, the page
            # that explains how payments are set up.
            url=url_first("manage:payments", fallback="/onboarding/payments/"),
            done=lambda community: payments_set_up(),
            position=40,
        )
