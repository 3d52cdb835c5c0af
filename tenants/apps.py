from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Communities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported once the app registry is ready (they import models).
        from pista.health import readiness_check_register
        from pista.metrics import metrics_refresher_register
        from tenants.console import tasks as console_tasks  # noqa: F401 - registers the tasks
        from tenants.domains import tasks as domains_tasks  # noqa: F401 - registers the tasks
        from tenants.lifecycle import tasks as lifecycle_tasks  # noqa: F401 - registers the tasks
        from tenants.provisioning import tasks as provisioning_tasks  # noqa: F401 - registers
        from tenants.provisioning.schema_versions import readiness_migrations_check
        from tenants.provisioning.selectors import communities_metric_refresh

        # Public alone is not enough: the template and every community count.
        readiness_check_register("migrations", readiness_migrations_check)
        metrics_refresher_register("communities", communities_metric_refresh)

        # Billing's dunning suspends and reinstates through the lifecycle service.
        from billing.services.subscriptions import suspension_handler_register
        from tenants.lifecycle.services.suspension import community_dunning_suspension

        suspension_handler_register(community_dunning_suspension)
