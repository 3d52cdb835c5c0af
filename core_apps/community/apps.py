from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "core_apps.community"
    label = "community"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.navigation import menu_link_register
        from core_apps.community.menus import community_member_links, community_menu_links

        menu_link_register(section="main", position=30, provider=community_menu_links)
        menu_link_register(section="member", position=20, provider=community_member_links)
        from core_apps.community.demo import community_demo_seed
        from tenants.demo import demo_seeder

        demo_seeder(community_demo_seed)
