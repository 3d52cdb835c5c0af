from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Communities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pista.health import readiness_check_register
        from tenants.schema_versions import readiness_migrations_check

        # Public alone is not enough: the template and every community count.
        readiness_check_register("migrations", readiness_migrations_check)
