"""HTML pages of the community features (under ``/community/``). Thin: parse a form,
call one service or selector, render; application errors become a message."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.community import forms
from core_apps.community.cities import CITIES
from core_apps.community.models import DancerProfile, Notification, Report
from core_apps.community.selectors import messaging as messaging_selectors
from core_apps.community.selectors import partners as partner_selectors
from core_apps.community.selectors import safety as safety_selectors
from core_apps.community.selectors.profiles import (
    availability_names,
    goals_names,
    profile_for_viewer,
    profile_has_styles,
    profile_present,
)
from core_apps.community.services import messaging, partners, profiles, safety, social
from core_apps.community.services import notifications as notification_services
from pista.error_views import (
    application_error_redirect,
    form_error_status,
    form_service_call,
    referer_back,
)
from pista.errors import ApplicationError, NotFound
from pista.redirects import redirect_target

View = Callable[..., HttpResponse]


def member_view(*, code_of_conduct: bool = True) -> Callable[[View], View]:
    """Signed-in members only; optionally only after accepting the code of conduct.
    A POST's ApplicationError becomes an error message and a redirect back; a
    GET's (and any NotFound) the themed error page."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if code_of_conduct and safety_selectors.code_of_conduct_pending(
                user=authed_user(request)
            ):
                return redirect(f"/community/code-of-conduct/?next={request.path}")
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                if request.method == "GET" or isinstance(exc, NotFound):
                    # A GET never redirects to itself (that would loop): the one
                    # HTML error path shows a themed 4xx page instead.
                    raise
                back = referer_back(request, default="/community/")
                return application_error_redirect(request, exc, back=back)

        return wrapper

    return decorate


def _safe_next(request: HttpRequest, default: str) -> str:
    return redirect_target(
        request, request.POST.get("next"), request.GET.get("next"), default=default
    )


@member_view(code_of_conduct=False)
def code_of_conduct(request: HttpRequest) -> HttpResponse:
    current = safety_selectors.code_of_conduct_current()
    if request.method == "POST" and current is not None:
        safety.code_of_conduct_accept(user=authed_user(request), version=current.version)
        messages.success(request, _("Thank you for accepting the code of conduct."))
        return redirect(_safe_next(request, "/community/partners/"))
    pending = safety_selectors.code_of_conduct_pending(user=authed_user(request))
    return render(
        request,
        "community/code_of_conduct.html",
        {"code": current, "pending": pending, "next": request.GET.get("next", "")},
    )


@member_view()
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profiles.profile_get_or_create(user=authed_user(request))
    if request.method == "POST":
        if "photo" in request.FILES:
            profiles.profile_photo_set(user=authed_user(request), upload=request.FILES.get("photo"))
            messages.success(request, _("Photo saved."))
            return redirect("/community/profile/")
        form = forms.ProfileForm(request.POST)
        if form.is_valid():
            saved = form_service_call(
                form,
                lambda: profiles.profile_update(user=authed_user(request), changes=form.changes()),
                field={"invalid_styles": "style_1", "invalid_home_area": "city"},
            )
            if not form.errors and saved is not None:
                messages.success(request, _("Profile saved."))
                return redirect("/community/profile/")
    else:
        initial: dict[str, Any] = {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "bio": profile.bio,
            "city": profile.city,
            "languages": ", ".join(profile.languages),
            "goals": goals_names(profile.goals),
            "availability": availability_names(profile.availability),
            "height_min_cm": profile.height_min_cm,
            "height_max_cm": profile.height_max_cm,
            "visibility": profile.visibility,
            "allow_open_messages": profile.allow_open_messages,
            "read_receipts": profile.read_receipts,
            "show_in_going_lists": profile.show_in_going_lists,
        }
        initial.update(
            forms.ProfileForm.styles_initial(
                [(s.style, s.get_role_display().lower(), s.level) for s in profile.skills.all()]
            )
        )
        initial.update({f"vis_{k}": v for k, v in profile.field_visibility.items()})
        form = forms.ProfileForm(initial=initial)
    return render(
        request,
        "community/profile_edit.html",
        {
            "form": form,
            "photo_form": forms.PhotoForm(),
            "profile": profile,
            "cities": sorted(CITIES),
        },
        status=form_error_status(form) if request.method == "POST" else 200,
    )


def member_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """A member's profile as the viewer may see it (public profiles need no login)."""
    profile = profile_for_viewer(user_id=user_id, viewer=request.user)
    viewer = request.user
    context: dict[str, Any] = {
        "member": profile_present(profile=profile, viewer=viewer),
        "is_self": viewer.is_authenticated and viewer.pk == profile.user_id,
    }
    if viewer.is_authenticated and viewer.pk != profile.user_id:
        context.update(
            request_form=forms.PartnerRequestForm(),
            message_form=forms.MessageForm(),
            report_form=forms.ReportForm(initial={"kind": "profile", "object_id": user_id}),
            can_message=messaging.messaging_allowed(sender=viewer, recipient=profile.user),
            partners=partner_selectors.partners_are(a_id=viewer.pk, b_id=profile.user_id),
        )
    return render(request, "community/member_detail.html", context)


@member_view()
def partner_search(request: HttpRequest) -> HttpResponse:
    form = forms.PartnerSearchForm(request.GET or None)
    results: list[dict[str, Any]] = []
    error = ""
    if request.GET and form.is_valid():
        params = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            query = partner_selectors.partner_query_parse(
                params=params, viewer=authed_user(request)
            )
            matches = partner_selectors.partner_search(query=query, viewer=authed_user(request))
        except ApplicationError as exc:
            error = exc.message
            matches = []
        by_user = {
            p.user_id: p
            for p in DancerProfile.objects.filter(
                user_id__in=[m.user_id for m in matches]
            ).prefetch_related("skills")
        }
        results = [
            {
                "member": profile_present(profile=by_user[m.user_id], viewer=request.user),
                "score": m.score,
                "distance_km": m.distance_km,
            }
            for m in matches
            if m.user_id in by_user
        ]
    return render(
        request,
        "community/partner_search.html",
        {
            "form": form,
            "results": results,
            "error": error,
            "searched": bool(request.GET),
            "has_styles": profile_has_styles(user_id=authed_user(request).pk),
        },
    )


@require_POST
@member_view()
def partner_request_send(request: HttpRequest, user_id: int) -> HttpResponse:
    form = forms.PartnerRequestForm(request.POST)
    if form.is_valid():
        partners.partner_request_send(
            sender=authed_user(request),
            recipient_id=user_id,
            message=form.cleaned_data["message"],
            event_title=form.cleaned_data["event_title"],
        )
        messages.success(request, _("Partner request sent."))
    return redirect(f"/community/members/{user_id}/")


@member_view()
def partner_requests(request: HttpRequest) -> HttpResponse:
    found = partner_selectors.partner_requests_for(user=authed_user(request))
    return render(request, "community/requests.html", found)


@require_POST
@member_view()
def partner_request_respond(request: HttpRequest, request_id: int) -> HttpResponse:
    accept = request.POST.get("accept") == "1"
    partners.partner_request_respond(
        request_id=request_id, user=authed_user(request), accept=accept
    )
    messages.success(request, _("Request accepted.") if accept else _("Request declined."))
    return redirect("/community/requests/")


@member_view()
def conversations(request: HttpRequest) -> HttpResponse:
    summaries = messaging_selectors.conversations_for(user=authed_user(request))
    return render(request, "community/conversations.html", {"conversations": summaries})


@require_POST
@member_view()
def conversation_start(request: HttpRequest, user_id: int) -> HttpResponse:
    form = forms.MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write a message or attach an image."))
        return redirect(f"/community/members/{user_id}/")
    conversation = messaging.conversation_start(
        sender=authed_user(request),
        recipient_id=user_id,
        body=form.cleaned_data["body"],
        image=form.cleaned_data["image"],
    )
    return redirect(f"/community/messages/{conversation.pk}/")


@member_view()
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = messaging_selectors.conversation_for_member(
        conversation_id=conversation_id,
        user=authed_user(request),
    )
    if request.method == "POST":
        form = forms.MessageForm(request.POST, request.FILES)
        if form.is_valid():
            messaging.message_send(
                conversation=conversation,
                sender=authed_user(request),
                body=form.cleaned_data["body"],
                image=form.cleaned_data["image"],
            )
        return redirect(f"/community/messages/{conversation.pk}/")
    messaging.conversation_mark_read(conversation=conversation, user=authed_user(request))
    items = messaging_selectors.conversation_messages(
        conversation=conversation, viewer=authed_user(request)
    )
    others = [m for m in conversation.memberships.all() if m.user_id != request.user.pk]
    return render(
        request,
        "community/conversation.html",
        {
            "conversation": conversation,
            "items": items,
            "form": forms.MessageForm(),
            "other_names": [messaging_selectors.member_display_name(user=m.user) for m in others],
            "reasons": Report.Reason.choices,
            "receipts": messaging_selectors.conversation_read_receipts(
                conversation=conversation,
                viewer=authed_user(request),
            ),
        },
    )


@require_POST
@member_view(code_of_conduct=False)
def block(request: HttpRequest, user_id: int) -> HttpResponse:
    safety.block_create(blocker=authed_user(request), blocked_id=user_id)
    messages.success(request, _("Blocked. You won't see each other any more."))
    return redirect("/community/partners/")


@require_POST
@member_view(code_of_conduct=False)
def follow(request: HttpRequest, user_id: int) -> HttpResponse:
    social.follow_create(follower=authed_user(request), followed_id=user_id)
    messages.success(request, _("You follow this member now."))
    return redirect(f"/community/members/{user_id}/")


@require_POST
@member_view(code_of_conduct=False)
def report(request: HttpRequest) -> HttpResponse:
    form = forms.ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report is incomplete."))
        return redirect(_safe_next(request, "/community/partners/"))
    safety.report_create(reporter=authed_user(request), **form.cleaned_data)
    messages.success(request, _("Thank you. Moderators will look at your report."))
    return redirect(_safe_next(request, "/community/partners/"))


@member_view(code_of_conduct=False)
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        for kind in Notification.Kind.values:
            notification_services.notification_settings_update(
                user=authed_user(request),
                kind=kind,
                in_app=request.POST.get(f"{kind}-in_app") == "on",
                email=request.POST.get(f"{kind}-email") == "on",
            )
        messages.success(request, _("Notification settings saved."))
        return redirect("/community/notifications/")
    items = list(messaging_selectors.notifications_for(user=authed_user(request))[:50])
    notification_services.notifications_mark_read(user=authed_user(request))
    settings = messaging_selectors.notification_settings_for(user=authed_user(request))
    kinds = [(kind, label, settings[kind]) for kind, label in Notification.Kind.choices]
    return render(request, "community/notifications.html", {"items": items, "kinds": kinds})


@csrf_exempt  # one-click unsubscribe (RFC 8058): mail providers POST without a session
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The digest's unsubscribe link: a page with one button (GET), or done at
    once (POST, as mail providers' one-click unsubscribe does)."""
    if request.method == "POST":
        try:
            notification_services.digest_unsubscribe(token=token)
        except ApplicationError as error:
            return render(
                request, "community/unsubscribe.html", {"error": error.message}, status=400
            )
        return render(request, "community/unsubscribe.html", {"done": True})
    return render(request, "community/unsubscribe.html", {"done": False})


@member_view(code_of_conduct=False)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not safety_selectors.member_is_moderator(user=authed_user(request)):
        return render(request, "404.html", status=404)
    if request.method == "POST":
        form = forms.ModerationActionForm(request.POST)
        report_id = request.POST.get("report_id", "")
        if form.is_valid() and report_id.isdigit():
            safety.moderation_action_take(
                moderator=authed_user(request),
                report_id=int(report_id),
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Done; it is in the audit trail."))
        return redirect("/community/moderation/")
    return render(
        request,
        "community/moderation.html",
        {
            "reports": safety_selectors.reports_open().select_related("reporter", "reported_user"),
            "audit": safety_selectors.moderation_audit_trail()[:50],
            "action_form": forms.ModerationActionForm(),
        },
    )


@member_view()
def partner_posts(request: HttpRequest) -> HttpResponse:
    """ "Looking for a partner" posts, and a form to add one."""
    form = forms.PartnerPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        posted = form_service_call(
            form,
            lambda: partners.partner_post_create(author=authed_user(request), **form.cleaned_data),
        )
        if posted is not None:
            messages.success(request, _("Your post is up."))
            return redirect("community:posts")
    posts = partner_selectors.partner_posts_open(viewer=authed_user(request))
    return render(
        request,
        "community/partner_posts.html",
        {"form": form, "posts": posts},
        status=form_error_status(form) if request.method == "POST" else 200,
    )


@member_view()
def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "community/group_list.html", {"groups": messaging_selectors.groups_listed()}
    )


@member_view()
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = authed_user(request)
    group = messaging_selectors.group_get(slug=slug)
    form = forms.GroupPostForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "join":
            social.group_join(group=group, user=user)
            messages.success(request, _("Welcome to the group."))
            return redirect("community:group", slug=slug)
        if form.is_valid():
            posted = form_service_call(
                form,
                lambda: social.group_post_create(
                    group=group, author=user, body=form.cleaned_data["body"]
                ),
            )
            if posted is not None:
                return redirect("community:group", slug=slug)
    return render(
        request,
        "community/group_detail.html",
        {
            "group": group,
            "membership": messaging_selectors.group_membership(group=group, user=user),
            "members": messaging_selectors.group_members(group=group, viewer=user),
            "posts": messaging_selectors.group_posts(group=group, viewer=user),
            "form": form,
        },
        status=form_error_status(form) if request.method == "POST" else 200,
    )
