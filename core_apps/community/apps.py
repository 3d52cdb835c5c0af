from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "core_apps.community"
    label = "community"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core_apps.community.demo import community_demo_seed
        from tenants.demo import demo_seeder

        demo_seeder(community_demo_seed)
