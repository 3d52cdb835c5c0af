from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "core_apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.accounts import demo  # noqa: F401 - registers the demo seeder
        from core_apps.accounts.audit import audit_receivers_connect

        audit_receivers_connect()

        from core_apps.accounts.services import members_count, staff_seats_count
        from pista.billing_hooks import LIMIT_MEMBERS, LIMIT_STAFF_SEATS, usage_counter_register

        usage_counter_register(LIMIT_MEMBERS, members_count)
        usage_counter_register(LIMIT_STAFF_SEATS, staff_seats_count)
