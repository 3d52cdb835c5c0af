"""Code of conduct, blocks, reports and moderation (with its audit trail)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core_apps.accounts.models import User
from core_apps.community.errors import (
    CodeOfConductRequired,
    InvalidInput,
    InvalidReport,
    MemberNotFound,
    NotAllowed,
)
from core_apps.community.models import (
    Block,
    CodeOfConduct,
    CodeOfConductAcceptance,
    DancerProfile,
    Follow,
    GroupMembership,
    GroupPost,
    MemberStanding,
    Message,
    ModerationAction,
    Notification,
    PartnerPost,
    PartnerRequest,
    PartnerSearchEntry,
    Report,
)
from core_apps.community.selectors.profiles import profile_for_viewer, profile_present
from core_apps.community.selectors.safety import (
    code_of_conduct_current,
    code_of_conduct_pending,
    member_is_moderator,
    moderators,
)
from core_apps.community.services.notifications import notification_send, notifications_send
from core_apps.community.services.profiles import html_sanitise, profile_search_index_refresh


def code_of_conduct_require(*, user: User) -> None:
    """Raise CodeOfConductRequired unless ``user`` accepted the current version."""
    pending = code_of_conduct_pending(user=user)
    if pending is not None:
        raise CodeOfConductRequired(
            _("Please accept the code of conduct (version %(version)s) first.")
            % {"version": pending.version},
            extra={"version": pending.version, "url": "/community/code-of-conduct/"},
        )


def member_active_require(*, user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed(_("Your account can't do this."))


@transaction.atomic
def code_of_conduct_publish(*, text: str, by: User | None) -> CodeOfConduct:
    """Publish a new version; every member must accept it again (they are notified)."""
    if by is not None and not member_is_moderator(user=by):
        raise NotAllowed(_("Only moderators and admins can change the code of conduct."))
    clean = html_sanitise(text)
    if not clean:
        raise InvalidInput(_("The code of conduct can't be empty."))
    current = code_of_conduct_current()
    code = CodeOfConduct.objects.create(
        version=(current.version + 1) if current else 1, text=clean, published_by=by
    )
    if current is not None:
        notifications_send(
            user_ids=User.objects.filter(is_active=True).values_list("pk", flat=True),
            kind=Notification.Kind.CODE_OF_CONDUCT,
            text=lambda: (
                _("The code of conduct changed (version %(version)s); please accept it again.")
                % {"version": code.version}
            ),
            url="/community/code-of-conduct/",
        )
    return code


def code_of_conduct_accept(*, user: User, version: int) -> CodeOfConductAcceptance:
    """Accept ``version``, which must be the current one. Raises InvalidInput."""
    current = code_of_conduct_current()
    if current is None or current.version != version:
        raise InvalidInput(_("That is not the current code of conduct; reload and try again."))
    acceptance, _created = CodeOfConductAcceptance.objects.get_or_create(user=user, code=current)
    return acceptance


@transaction.atomic
def block_create(*, blocker: User, blocked_id: int) -> Block:
    """Block a member. They are not told; from now on neither side can find, see or
    message the other. Pending partner requests between them are withdrawn and
    follows removed. Raises MemberNotFound, InvalidInput."""
    if blocked_id == blocker.pk:
        raise InvalidInput(_("You can't block yourself."))
    blocked = User.objects.filter(pk=blocked_id).first()
    if blocked is None:
        raise MemberNotFound(_("No such member."))
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    pair = Q(sender=blocker, recipient=blocked) | Q(sender=blocked, recipient=blocker)
    PartnerRequest.objects.filter(pair, status=PartnerRequest.Status.PENDING).update(
        status=PartnerRequest.Status.WITHDRAWN, responded_at=timezone.now()
    )
    Follow.objects.filter(
        Q(follower=blocker, followed=blocked) | Q(follower=blocked, followed=blocker)
    ).delete()
    return block


def block_delete(*, blocker: User, blocked_id: int) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


def _report_target(*, reporter: User, kind: str, object_id: int) -> tuple[User, dict[str, Any]]:
    """The reported member and a snapshot of the content, if ``reporter`` can see it."""
    if kind == Report.Kind.PROFILE:
        try:
            profile = profile_for_viewer(user_id=object_id, viewer=reporter)
        except MemberNotFound:
            # Blocking someone must not stop you from reporting them.
            if not Block.objects.filter(blocker=reporter, blocked_id=object_id).exists():
                raise
            profile = DancerProfile.objects.select_related("user").get(user_id=object_id)
        snapshot = profile_present(profile=profile, viewer=reporter)
        return profile.user, snapshot
    if kind == Report.Kind.MESSAGE:
        message = (
            Message.objects.select_related("sender")
            .filter(pk=object_id, conversation__memberships__user=reporter)
            .first()
        )
        if message is None or message.sender_id == reporter.pk:
            raise MemberNotFound(_("No such message."))
        return message.sender, {
            "body": message.body,
            "image": message.image.name if message.image else None,
            "conversation_id": message.conversation_id,
            "sent_at": message.created_at.isoformat(),
        }
    if kind == Report.Kind.GROUP_POST:
        post = GroupPost.objects.select_related("author", "group").filter(pk=object_id).first()
        if (
            post is None
            or not GroupMembership.objects.filter(
                group=post.group, user=reporter, status=GroupMembership.Status.ACTIVE
            ).exists()
        ):
            raise MemberNotFound(_("No such post."))
        return post.author, {
            "body": post.body,
            "group": post.group.slug,
            "posted_at": post.created_at.isoformat(),
        }
    raise InvalidReport(_("Report a profile, a message or a group post."), code="invalid_kind")


@transaction.atomic
def report_create(
    *, reporter: User, kind: str, object_id: int, reason: str, details: str = ""
) -> Report:
    """Report content to the moderators, preserving it as it is now.
    Raises InvalidReport (no or unknown reason), MemberNotFound."""
    member_active_require(user=reporter)
    if not reason:
        raise InvalidReport(
            _("Tell us why you are reporting this: choose a reason."), code="reason_required"
        )
    if reason not in Report.Reason.values:
        raise InvalidReport(
            _("Unknown reason; choose one of %(choices)s.")
            % {"choices": ", ".join(Report.Reason.values)},
            code="invalid_reason",
        )
    if len(details) > 2000:
        raise InvalidReport(_("Details are too long (at most 2000 characters)."))
    reported_user, snapshot = _report_target(reporter=reporter, kind=kind, object_id=object_id)
    if reported_user.pk == reporter.pk:
        raise InvalidReport(_("You can't report yourself."), code="invalid_target")
    report = Report.objects.create(
        reporter=reporter,
        reported_user=reported_user,
        kind=kind,
        object_id=object_id,
        reason=reason,
        details=details.strip(),
        snapshot=snapshot,
    )
    notifications_send(
        user_ids=moderators().values_list("pk", flat=True),
        kind=Notification.Kind.MODERATION,
        text=lambda: _("A new report is waiting in the moderation queue."),
        url="/community/moderation/",
    )
    return report


def _content_hide(*, report: Report) -> None:
    if report.kind == Report.Kind.MESSAGE:
        Message.objects.filter(pk=report.object_id).update(hidden_by_moderation=True)
    elif report.kind == Report.Kind.GROUP_POST:
        GroupPost.objects.filter(pk=report.object_id).update(hidden_by_moderation=True)
    else:
        profile = DancerProfile.objects.get(user_id=report.reported_user_id)
        profile.hidden_by_moderation = True
        profile.save(update_fields=["hidden_by_moderation"])
        profile_search_index_refresh(profile=profile)


def _member_remove(*, user: User, status: str) -> None:
    """Suspend or ban: no login (inactive), content hidden, out of search."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    MemberStanding.objects.update_or_create(user=user, defaults={"status": status})
    DancerProfile.objects.filter(user=user).update(hidden_by_moderation=True)
    PartnerSearchEntry.objects.filter(user_id=user.pk).delete()
    Message.objects.filter(sender=user).update(hidden_by_moderation=True)
    GroupPost.objects.filter(author=user).update(hidden_by_moderation=True)
    PartnerPost.objects.filter(author=user).update(hidden_by_moderation=True)
    PartnerRequest.objects.filter(
        Q(sender=user) | Q(recipient=user), status=PartnerRequest.Status.PENDING
    ).update(status=PartnerRequest.Status.WITHDRAWN, responded_at=timezone.now())
    # Sessions die with is_active=False: the auth backends refuse inactive users
    # on every request, not only at login.


def _hidden_by_action(*, user: User, kind: str) -> list[int]:
    """Ids of ``user``'s content of ``kind`` that a moderator hid on purpose."""
    return list(
        Report.objects.filter(
            kind=kind, reported_user=user, actions__kind=ModerationAction.Kind.HIDE
        ).values_list("object_id", flat=True)
    )


def _member_reinstate(*, user: User) -> None:
    """Undo a suspension or ban; content hidden by its own "hide" action stays hidden."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    MemberStanding.objects.update_or_create(
        user=user, defaults={"status": MemberStanding.Status.GOOD}
    )
    profile = DancerProfile.objects.filter(user=user).first()
    if profile is not None and not _hidden_by_action(user=user, kind=Report.Kind.PROFILE):
        profile.hidden_by_moderation = False
        profile.save(update_fields=["hidden_by_moderation"])
        profile_search_index_refresh(profile=profile)
    Message.objects.filter(sender=user).exclude(
        pk__in=_hidden_by_action(user=user, kind=Report.Kind.MESSAGE)
    ).update(hidden_by_moderation=False)
    GroupPost.objects.filter(author=user).exclude(
        pk__in=_hidden_by_action(user=user, kind=Report.Kind.GROUP_POST)
    ).update(hidden_by_moderation=False)
    PartnerPost.objects.filter(author=user).update(hidden_by_moderation=False)


REPORTER_OUTCOMES: dict[str, Promise] = {
    ModerationAction.Kind.DISMISS: (
        gettext_lazy(
            "Thank you for your report. We reviewed it and found no breach of the code of conduct."
        )
    ),
}
REPORTER_OUTCOME_ACTED = gettext_lazy("Thank you for your report. We reviewed it and took action.")


@transaction.atomic
def moderation_action_take(
    *,
    moderator: User,
    kind: str,
    report_id: int | None = None,
    target_user_id: int | None = None,
    note: str = "",
) -> ModerationAction:
    """Act on a report (or directly on a member) and record it in the audit trail.

    dismiss: close the report; warn: notify the member; hide: hide the reported
    content; suspend/ban: the member can no longer log in or message and all their
    content is hidden; reinstate: undo a suspension. The reporter hears the outcome
    in general terms. Raises NotAllowed, MemberNotFound, InvalidInput.
    """
    if not member_is_moderator(user=moderator):
        raise NotAllowed(_("Only moderators can do this."))
    if kind not in ModerationAction.Kind.values:
        raise InvalidInput(
            _("Unknown action; choose one of %(choices)s.")
            % {"choices": ", ".join(ModerationAction.Kind.values)}
        )
    report = None
    if report_id is not None:
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise MemberNotFound(_("No such report."))
        target = User.objects.get(pk=report.reported_user_id)
    else:
        found = User.objects.filter(pk=target_user_id or 0).first()
        if found is None:
            raise MemberNotFound(_("No such member."))
        target = found
        if kind in (ModerationAction.Kind.DISMISS, ModerationAction.Kind.HIDE):
            raise InvalidInput(_("Dismiss and hide act on a report."))
    if target.pk == moderator.pk:
        raise InvalidInput(_("You can't moderate yourself."))
    if kind == ModerationAction.Kind.WARN:
        standing, _created = MemberStanding.objects.get_or_create(user=target)
        standing.warnings += 1
        if standing.status == MemberStanding.Status.GOOD:
            standing.status = MemberStanding.Status.WARNED
        standing.save()
        notification_send(
            user_id=target.pk,
            kind=Notification.Kind.MODERATION,
            text=lambda: (
                _("A moderator warned you about a breach of the code of conduct.")
                + (f" {note}" if note else "")
            ),
            url="/community/code-of-conduct/",
        )
    elif kind == ModerationAction.Kind.HIDE:
        assert report is not None
        _content_hide(report=report)
    elif kind == ModerationAction.Kind.SUSPEND:
        _member_remove(user=target, status=MemberStanding.Status.SUSPENDED)
    elif kind == ModerationAction.Kind.BAN:
        _member_remove(user=target, status=MemberStanding.Status.BANNED)
    elif kind == ModerationAction.Kind.REINSTATE:
        _member_reinstate(user=target)
    action = ModerationAction.objects.create(
        report=report, moderator=moderator, target_user=target, kind=kind, note=note.strip()
    )
    if report is not None and report.status == Report.Status.OPEN:
        report.status = Report.Status.RESOLVED
        report.resolved_at = timezone.now()
        report.save(update_fields=["status", "resolved_at"])
        notification_send(
            user_id=report.reporter_id,
            kind=Notification.Kind.MODERATION,
            text=lambda: str(REPORTER_OUTCOMES.get(kind, REPORTER_OUTCOME_ACTED)),
        )
    return action
