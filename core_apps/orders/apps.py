from __future__ import annotations

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "core_apps.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.orders import demo  # noqa: F401 - registers the demo seeder
