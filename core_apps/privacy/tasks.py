"""Background work for members' privacy requests and retention (community tasks)."""

from __future__ import annotations

from typing import Any

from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def member_export_build_task(*, export_id: int) -> str | None:
    """Build a member's export ZIP and email them its link."""
    from core_apps.privacy.services.exports import export_build

    export = export_build(export_id=export_id)
    return export.status if export is not None else None


@app.task(base=CommunityTask)
def member_export_ready_send_task(*, export_id: int) -> None:
    """Email the member the signed, expiring link to their export."""
    from django.urls import reverse

    from core_apps.privacy.models import DataExport
    from core_apps.privacy.services.exports import export_link_token
    from tenants.current import community_current, community_url
    from themes.mail import email_send

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.READY or not export.user.is_active:
        return
    community = community_current()
    path = reverse("privacy:export-download", kwargs={"token": export_link_token(export=export)})
    email_send(
        template_prefix="privacy/email/export_ready",
        context={
            "community": community,
            "link": f"{community_url(community=community)}{path}",
            "expires_at": export.expires_at,
        },
        to=[export.user.email],
    )


@app.task(base=CommunityTask)
def member_erase_task(*, user_id: int) -> dict[str, Any] | None:
    """Erase a member who asked to delete their account; returns the report's summary."""
    from core_apps.privacy.services.erasure import member_erase

    report = member_erase(user_id=user_id)
    return report.summary if report is not None else None


@app.task(base=CommunityTask)
def retention_enforce_task() -> dict[str, int]:
    """Beat (daily, in every community): remove data past its retention period."""
    from core_apps.privacy.services.erasure import retention_enforce

    return retention_enforce()
