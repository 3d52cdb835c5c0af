"""The community API (``/api/v1/``): thin views over the services and selectors."""

from __future__ import annotations

import csv
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.community import serializers as s
from core_apps.community.errors import NotAllowed
from core_apps.community.models import DancerProfile
from core_apps.community.selectors import messaging as messaging_selectors
from core_apps.community.selectors import partners as partner_selectors
from core_apps.community.selectors import safety as safety_selectors
from core_apps.community.selectors.profiles import profile_for_viewer, profile_present
from core_apps.community.services import messaging, partners, profiles, safety, social
from core_apps.community.services import notifications as notification_services
from pista.api.pagination import PageNumberPagination


def _valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CommunityApi(APIView):
    permission_classes = [IsAuthenticated]

    def paginate(
        self, request: Request, items: QuerySet[Any] | list[Any], serializer: Any
    ) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


def _profile_out(profile: DancerProfile, viewer: Any) -> dict[str, Any]:
    profile = DancerProfile.objects.prefetch_related("skills").get(pk=profile.pk)
    return profile_present(profile=profile, viewer=viewer)


class MemberMeApi(CommunityApi):
    """The signed-in member's own dancer profile."""

    @extend_schema(responses=dict, operation_id="members_me_retrieve")
    def get(self, request: Request) -> Response:
        profile = profiles.profile_get_or_create(user=request.user)  # type: ignore[arg-type]
        return Response(_profile_out(profile, request.user))

    @extend_schema(request=s.ProfileUpdateSerializer, responses=dict)
    def patch(self, request: Request) -> Response:
        changes = s.ProfileUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        data = dict(changes.validated_data)
        if "styles" in data:
            data["styles"] = [dict(item) for item in data["styles"]]
        profile = profiles.profile_update(user=request.user, changes=data)  # type: ignore[arg-type]
        return Response(_profile_out(profile, request.user))


class MemberMePhotoApi(CommunityApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.PhotoUploadSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("photo")
        if upload is None:
            from core_apps.community.errors import InvalidImage

            raise InvalidImage("Attach an image as 'photo'.", code="image_required")
        profile = profiles.profile_photo_set(user=request.user, upload=upload)  # type: ignore[arg-type]
        return Response(_profile_out(profile, request.user))

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        profiles.profile_photo_set(user=request.user, upload=None)  # type: ignore[arg-type]
        return Response(status=204)


class MemberDetailApi(CommunityApi):
    @extend_schema(responses=dict, operation_id="members_retrieve")
    def get(self, request: Request, user_id: int) -> Response:
        profile = profile_for_viewer(user_id=user_id, viewer=request.user)
        return Response(profile_present(profile=profile, viewer=request.user))


class PartnerSearchApi(CommunityApi):
    """Ranked partner candidates: ``?style=tango&role=lead&level_min=2&level_max=4
    &distance_km=20&goals=practice,social&availability=tue-evening&languages=es``."""

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        safety.code_of_conduct_require(user=request.user)  # type: ignore[arg-type]
        query = partner_selectors.partner_query_parse(
            params={key: request.query_params.get(key) for key in request.query_params},
            viewer=request.user,  # type: ignore[arg-type]
        )
        matches = partner_selectors.partner_search(query=query, viewer=request.user)  # type: ignore[arg-type]
        by_user = {
            p.user_id: p
            for p in DancerProfile.objects.filter(
                user_id__in=[m.user_id for m in matches]
            ).prefetch_related("skills")
        }
        results = []
        for match in matches:
            profile = by_user.get(match.user_id)
            if profile is None:
                continue
            results.append(
                {
                    "member": profile_present(profile=profile, viewer=request.user),
                    "score": match.score,
                    "distance_km": match.distance_km,
                }
            )
        return Response(
            {
                "results": results,
                "limit": query.limit,
                "offset": query.offset,
                "score": "40 role + 25 level + 15 distance + 10 goals + 10 availability",
            }
        )


class PartnerRequestListApi(CommunityApi):
    @extend_schema(responses=s.PartnerRequestSerializer(many=True))
    def get(self, request: Request) -> Response:
        found = partner_selectors.partner_requests_for(user=request.user)  # type: ignore[arg-type]
        return Response(
            {
                "incoming": s.PartnerRequestSerializer(found["incoming"], many=True).data,
                "outgoing": s.PartnerRequestSerializer(found["outgoing"], many=True).data,
            }
        )

    @extend_schema(request=s.PartnerRequestCreateSerializer, responses=s.PartnerRequestSerializer)
    def post(self, request: Request) -> Response:
        data = _valid(s.PartnerRequestCreateSerializer, request)
        created = partners.partner_request_send(sender=request.user, **data)  # type: ignore[arg-type]
        return Response(s.PartnerRequestSerializer(created).data, status=201)


class PartnerRequestRespondApi(CommunityApi):
    @extend_schema(request=s.RespondSerializer, responses=s.PartnerRequestSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        data = _valid(s.RespondSerializer, request)
        answered = partners.partner_request_respond(
            request_id=request_id,
            user=request.user,
            accept=data["accept"],  # type: ignore[arg-type]
        )
        return Response(s.PartnerRequestSerializer(answered).data)


class PartnerRequestWithdrawApi(CommunityApi):
    @extend_schema(request=None, responses=s.PartnerRequestSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        withdrawn = partners.partner_request_withdraw(request_id=request_id, user=request.user)  # type: ignore[arg-type]
        return Response(s.PartnerRequestSerializer(withdrawn).data)


class ConversationListApi(CommunityApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        summaries = messaging_selectors.conversations_for(user=request.user)  # type: ignore[arg-type]
        return Response(
            {
                "results": [
                    {
                        **s.ConversationSerializer(summary.conversation).data,
                        "with": [
                            {"id": i, "display_name": n}
                            for i, n in zip(summary.other_ids, summary.other_names, strict=True)
                        ],
                        "unread": summary.unread,
                    }
                    for summary in summaries
                ]
            }
        )

    @extend_schema(request=s.ConversationCreateSerializer, responses=s.ConversationSerializer)
    def post(self, request: Request) -> Response:
        data = _valid(s.MessageCreateSerializer, request)
        recipient = s.BlockSerializer(data={"user_id": request.data.get("recipient_id")})
        recipient.is_valid(raise_exception=True)
        conversation = messaging.conversation_start(
            sender=request.user,  # type: ignore[arg-type]
            recipient_id=recipient.validated_data["user_id"],
            body=data["body"],
            image=data["image"],
        )
        return Response(s.ConversationSerializer(conversation).data, status=201)


class ConversationMessagesApi(CommunityApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=s.MessageSerializer(many=True))
    def get(self, request: Request, conversation_id: int) -> Response:
        conversation = messaging_selectors.conversation_for_member(
            conversation_id=conversation_id,
            user=request.user,  # type: ignore[arg-type]
        )
        messaging.conversation_mark_read(conversation=conversation, user=request.user)  # type: ignore[arg-type]
        messages = messaging_selectors.conversation_messages(
            conversation=conversation,
            viewer=request.user,  # type: ignore[arg-type]
        )
        return self.paginate(request, messages, s.MessageSerializer)

    @extend_schema(request=s.MessageCreateSerializer, responses=s.MessageSerializer)
    def post(self, request: Request, conversation_id: int) -> Response:
        conversation = messaging_selectors.conversation_for_member(
            conversation_id=conversation_id,
            user=request.user,  # type: ignore[arg-type]
        )
        data = _valid(s.MessageCreateSerializer, request)
        message = messaging.message_send(
            conversation=conversation,
            sender=request.user,
            body=data["body"],
            image=data["image"],  # type: ignore[arg-type]
        )
        return Response(s.MessageSerializer(message).data, status=201)


class BlockListApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        blocks = safety_selectors.blocks_by(user=request.user)  # type: ignore[arg-type]
        return Response(
            {
                "results": [
                    {
                        "user_id": block.blocked_id,
                        "display_name": messaging_selectors.member_display_name(user=block.blocked),
                    }
                    for block in blocks
                ]
            }
        )

    @extend_schema(request=s.BlockSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = _valid(s.BlockSerializer, request)
        safety.block_create(blocker=request.user, blocked_id=data["user_id"])  # type: ignore[arg-type]
        return Response({"user_id": data["user_id"], "blocked": True}, status=201)


class BlockDetailApi(CommunityApi):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        safety.block_delete(blocker=request.user, blocked_id=user_id)  # type: ignore[arg-type]
        return Response(status=204)


class ReportCreateApi(CommunityApi):
    @extend_schema(request=s.ReportCreateSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = _valid(s.ReportCreateSerializer, request)
        report = safety.report_create(reporter=request.user, **data)  # type: ignore[arg-type]
        return Response(
            {
                "id": report.pk,
                "status": report.status,
                "detail": "Thank you; moderators will look at it.",
            },
            status=201,
        )


class ModeratorApi(CommunityApi):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not safety_selectors.member_is_moderator(user=request.user):  # type: ignore[arg-type]
            raise NotAllowed("Only moderators can see the moderation queue.")


class ModerationReportListApi(ModeratorApi):
    @extend_schema(responses=s.ReportSerializer(many=True))
    def get(self, request: Request) -> Response:
        reports = (
            safety_selectors.reports_all()
            if request.query_params.get("status") == "all"
            else safety_selectors.reports_open()
        )
        return self.paginate(request, reports, s.ReportSerializer)


class ModerationReportActionApi(ModeratorApi):
    @extend_schema(
        request=s.ModerationActionCreateSerializer, responses=s.ModerationActionSerializer
    )
    def post(self, request: Request, report_id: int) -> Response:
        data = _valid(s.ModerationActionCreateSerializer, request)
        action = safety.moderation_action_take(
            moderator=request.user,
            report_id=report_id,
            **data,  # type: ignore[arg-type]
        )
        return Response(s.ModerationActionSerializer(action).data, status=201)


class ModerationMemberActionApi(ModeratorApi):
    @extend_schema(
        request=s.ModerationActionCreateSerializer, responses=s.ModerationActionSerializer
    )
    def post(self, request: Request, user_id: int) -> Response:
        data = _valid(s.ModerationActionCreateSerializer, request)
        action = safety.moderation_action_take(
            moderator=request.user,
            target_user_id=user_id,
            **data,  # type: ignore[arg-type]
        )
        return Response(s.ModerationActionSerializer(action).data, status=201)


class ModerationAuditApi(ModeratorApi):
    @extend_schema(responses=s.ModerationActionSerializer(many=True))
    def get(self, request: Request) -> Response:
        user_id = request.query_params.get("user_id")
        actions = safety_selectors.moderation_audit_trail(
            target_user_id=int(user_id) if user_id and user_id.isdigit() else None
        )
        return self.paginate(request, actions, s.ModerationActionSerializer)


class CodeOfConductApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        current = safety_selectors.code_of_conduct_current()
        if current is None:
            return Response({"version": None, "text": "", "accepted": True})
        pending = safety_selectors.code_of_conduct_pending(user=request.user)  # type: ignore[arg-type]
        return Response(
            {"version": current.version, "text": current.text, "accepted": pending is None}
        )


class CodeOfConductAcceptApi(CommunityApi):
    @extend_schema(request=s.CodeOfConductAcceptSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = _valid(s.CodeOfConductAcceptSerializer, request)
        safety.code_of_conduct_accept(user=request.user, version=data["version"])  # type: ignore[arg-type]
        return Response({"version": data["version"], "accepted": True})


class NotificationListApi(CommunityApi):
    @extend_schema(responses=s.NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        items = messaging_selectors.notifications_for(user=request.user)  # type: ignore[arg-type]
        return self.paginate(request, items, s.NotificationSerializer)


class NotificationReadApi(CommunityApi):
    @extend_schema(request=None, responses=dict)
    def post(self, request: Request) -> Response:
        count = notification_services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
        return Response({"read": count})


class NotificationSettingsApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        return Response(messaging_selectors.notification_settings_for(user=request.user))  # type: ignore[arg-type]

    @extend_schema(request=s.NotificationSettingSerializer, responses=dict)
    def put(self, request: Request) -> Response:
        data = _valid(s.NotificationSettingSerializer, request)
        notification_services.notification_settings_update(user=request.user, **data)  # type: ignore[arg-type]
        return Response(messaging_selectors.notification_settings_for(user=request.user))  # type: ignore[arg-type]


class FollowListApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        return Response({"following": messaging_selectors.following_of(user=request.user)})  # type: ignore[arg-type]

    @extend_schema(request=s.FollowSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = _valid(s.FollowSerializer, request)
        social.follow_create(follower=request.user, followed_id=data["user_id"])  # type: ignore[arg-type]
        return Response({"user_id": data["user_id"], "following": True}, status=201)


class FollowDetailApi(CommunityApi):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        social.follow_delete(follower=request.user, followed_id=user_id)  # type: ignore[arg-type]
        return Response(status=204)


def _group_out(group: Any, viewer: Any) -> dict[str, Any]:
    membership = messaging_selectors.group_membership(group=group, user=viewer)
    return {
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "join_policy": group.join_policy,
        "membership": membership.status if membership else None,
    }


class GroupListApi(CommunityApi):
    @extend_schema(responses=dict, operation_id="groups_list")
    def get(self, request: Request) -> Response:
        return Response(
            {"results": [_group_out(g, request.user) for g in messaging_selectors.groups_listed()]}
        )

    @extend_schema(request=s.GroupCreateSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = _valid(s.GroupCreateSerializer, request)
        group = social.group_create(creator=request.user, **data)  # type: ignore[arg-type]
        return Response(_group_out(group, request.user), status=201)


class GroupDetailApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request, slug: str) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        members = messaging_selectors.group_members(group=group, viewer=request.user)  # type: ignore[arg-type]
        posts = messaging_selectors.group_posts(group=group, viewer=request.user)  # type: ignore[arg-type]
        return Response(
            {
                **_group_out(group, request.user),
                "members": [
                    {
                        "id": m.user_id,
                        "display_name": messaging_selectors.member_display_name(user=m.user),
                        "admin": m.is_admin,
                    }
                    for m in members
                ],
                "posts": [
                    {
                        "id": p.pk,
                        "author": messaging_selectors.member_display_name(user=p.author),
                        "body": p.body,
                        "is_announcement": p.is_announcement,
                        "created_at": p.created_at,
                    }
                    for p in posts
                ],
            }
        )


class GroupMembersExportApi(CommunityApi):
    """CSV of a group's members for its admins (only what each member shows)."""

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request: Request, slug: str) -> HttpResponse:
        group = messaging_selectors.group_get(slug=slug)
        rows = messaging_selectors.group_members_export(group=group, viewer=request.user)  # type: ignore[arg-type]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{group.slug}-members.csv"'
        columns = ["id", "display_name", "pronouns", "city", "languages", "styles"]
        writer = csv.DictWriter(response, fieldnames=columns, restval="")
        writer.writeheader()
        for row in rows:
            # Spreadsheet formula injection: a leading =, +, - or @ is neutralised.
            writer.writerow(
                {k: ("'" + v if v[:1] in ("=", "+", "-", "@") else v) for k, v in row.items()}
            )
        return response


class GroupJoinApi(CommunityApi):
    @extend_schema(request=None, responses=dict)
    def post(self, request: Request, slug: str) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        membership = social.group_join(group=group, user=request.user)  # type: ignore[arg-type]
        return Response({"membership": membership.status}, status=201)


class GroupApproveApi(CommunityApi):
    @extend_schema(request=None, responses=dict)
    def post(self, request: Request, slug: str, user_id: int) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        membership = social.group_membership_approve(
            group=group, approver=request.user, user_id=user_id
        )  # type: ignore[arg-type]
        return Response({"user_id": user_id, "membership": membership.status})


class GroupPostCreateApi(CommunityApi):
    @extend_schema(request=s.GroupPostCreateSerializer, responses=dict)
    def post(self, request: Request, slug: str) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        data = _valid(s.GroupPostCreateSerializer, request)
        post = social.group_post_create(group=group, author=request.user, **data)  # type: ignore[arg-type]
        return Response({"id": post.pk}, status=201)
