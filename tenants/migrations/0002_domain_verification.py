"""Custom-domain verification: a status, a token and re-check bookkeeping per domain.

Every domain that exists before this migration (platform sub-domains made by
provisioning, and extra domains an operator gave ``create_community``) kept
routing until now, so it is marked verified; each gets its own token.
"""

import secrets

import django.utils.timezone
from django.db import migrations, models

import tenants.models


def existing_domains_verified(apps, schema_editor):
    Domain = apps.get_model("tenants", "Domain")
    now = django.utils.timezone.now()
    for domain in Domain.objects.all():
        domain.status = "verified"
        domain.verified_at = now
        domain.verification_token = secrets.token_hex(16)
        domain.save(update_fields=["status", "verified_at", "verification_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="domain",
            name="is_primary",
            field=models.BooleanField(db_index=True, default=False),
        ),
        migrations.AddField(
            model_name="domain",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("verified", "Verified"), ("failed", "Failed")],
                db_index=True,
                default="pending",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="domain",
            name="verification_token",
            field=models.CharField(
                default=tenants.models.domain_verification_token_new, max_length=64
            ),
        ),
        migrations.AddField(
            model_name="domain",
            name="added_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="domain",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="domain",
            name="last_checked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="domain",
            name="next_check_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="domain",
            name="check_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="domain",
            name="failure_reason",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(existing_domains_verified, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="domain",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_primary", False), ("status", "verified"), _connector="OR"),
                name="tenants_domain_primary_is_verified",
            ),
        ),
    ]
