from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "core_apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
