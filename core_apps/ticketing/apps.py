from django.apps import AppConfig


class TicketingConfig(AppConfig):
    name = "core_apps.ticketing"
    label = "ticketing"
    default_auto_field = "django.db.models.BigAutoField"
