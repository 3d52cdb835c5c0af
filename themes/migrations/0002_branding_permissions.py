"""Owners and admins may edit the branding and footer settings.

The permission rows are made here rather than left to post_migrate, so that
``roles_sync`` (which runs right after migrations) finds them, and communities
that existed before these settings get them for their owner and admin groups.
"""

from django.db import migrations

GRANTS = [
    ("themes", "brandingsettings", "change_brandingsettings", "Can change branding"),
    ("cms", "footersettings", "change_footersettings", "Can change footer"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    groups = list(Group.objects.filter(name__in=["owner", "admin"]))
    for app_label, model, codename, name in GRANTS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        for group in groups:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0001_initial"),
        ("cms", "0002_streamfields_contact_page_footer"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
