from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "core_apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.accounts import demo  # noqa: F401 - registers the demo seeder
        from core_apps.accounts.audit import audit_receivers_connect

        audit_receivers_connect()
