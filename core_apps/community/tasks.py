"""Background work: the notification email digest."""

from __future__ import annotations

from core_apps.community.models import Notification
from core_apps.community.services.notifications import notification_digest_send
from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def notification_digest_send_task(*, user_id: int) -> bool:
    """Email one member their pending notifications (idempotent)."""
    from tenants.current import community_current, community_url

    community = community_current()
    return notification_digest_send(
        user_id=user_id, community_name=community.name, base_url=community_url(community=community)
    )


@app.task(base=CommunityTask)
def notification_digests_send_task() -> int:
    """Queue one digest per member with pending email notifications. Run it from
    beat per community (e.g. hourly); members never get one mail per message."""
    user_ids = (
        Notification.objects.filter(email_pending=True).values_list("user_id", flat=True).distinct()
    )
    count = 0
    for user_id in user_ids:
        notification_digest_send_task.delay(user_id=user_id)
        count += 1
    return count
