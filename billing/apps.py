from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Platform billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing import tasks  # noqa: F401 - registers the tasks
        from billing.services.limits import enforcement_register

        # Plan limits, features and the ticket-sales fee behind pista.billing_hooks.
        enforcement_register()

        from billing.selectors import plan_tier_of
        from pista.metrics import plan_tier_resolver_register

        # The ``plan`` label of the request metrics.
        plan_tier_resolver_register(plan_tier_of)
