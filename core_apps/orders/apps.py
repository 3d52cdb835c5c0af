from __future__ import annotations

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "core_apps.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.navigation import menu_link_register
        from core_apps.orders.menus import orders_member_links

        menu_link_register(section="member", position=10, provider=orders_member_links)
        from core_apps.orders import demo  # noqa: F401 - registers the demo seeder
