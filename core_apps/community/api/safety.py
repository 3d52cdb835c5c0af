"""Blocks, reports, moderation and the code of conduct."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core_apps.accounts.request import authed_user
from core_apps.community import serializers as s
from core_apps.community.api.base import CommunityApi, valid_data
from core_apps.community.errors import NotAllowed
from core_apps.community.selectors import messaging as messaging_selectors
from core_apps.community.selectors import safety as safety_selectors
from core_apps.community.services import safety
from pista.api.pagination import PageNumberPagination


class BlockListApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        blocks = safety_selectors.blocks_by(user=authed_user(request))
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

    @extend_schema(request=s.BlockSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = valid_data(s.BlockSerializer, request)
        safety.block_create(blocker=authed_user(request), blocked_id=data["user_id"])
        return Response({"user_id": data["user_id"], "blocked": True}, status=201)


class BlockDetailApi(CommunityApi):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        safety.block_delete(blocker=authed_user(request), blocked_id=user_id)
        return Response(status=204)


class ReportCreateApi(CommunityApi):
    @extend_schema(request=s.ReportCreateSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = valid_data(s.ReportCreateSerializer, request)
        report = safety.report_create(reporter=authed_user(request), **data)
        return Response(
            {
                "id": report.pk,
                "status": report.status,
                "detail": _("Thank you; moderators will look at it."),
            },
            status=201,
        )


class ModeratorApi(CommunityApi):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not safety_selectors.member_is_moderator(user=authed_user(request)):
            raise NotAllowed(_("Only moderators can see the moderation queue."))


class ModerationReportListApi(ModeratorApi):
    # Paginated by hand: tells the OpenAPI document the list is a page.
    pagination_class = PageNumberPagination

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
        request=s.ModerationActionCreateSerializer, responses={201: s.ModerationActionSerializer}
    )
    def post(self, request: Request, report_id: int) -> Response:
        data = valid_data(s.ModerationActionCreateSerializer, request)
        action = safety.moderation_action_take(
            moderator=authed_user(request),
            report_id=report_id,
            **data,
        )
        return Response(s.ModerationActionSerializer(action).data, status=201)


class ModerationMemberActionApi(ModeratorApi):
    @extend_schema(
        request=s.ModerationActionCreateSerializer, responses={201: s.ModerationActionSerializer}
    )
    def post(self, request: Request, user_id: int) -> Response:
        data = valid_data(s.ModerationActionCreateSerializer, request)
        action = safety.moderation_action_take(
            moderator=authed_user(request),
            target_user_id=user_id,
            **data,
        )
        return Response(s.ModerationActionSerializer(action).data, status=201)


class ModerationAuditApi(ModeratorApi):
    # Paginated by hand: tells the OpenAPI document the list is a page.
    pagination_class = PageNumberPagination

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
        pending = safety_selectors.code_of_conduct_pending(user=authed_user(request))
        return Response(
            {"version": current.version, "text": current.text, "accepted": pending is None}
        )

    @extend_schema(request=s.CodeOfConductPublishSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        """Moderators and admins publish a new version; members must accept it again."""
        data = valid_data(s.CodeOfConductPublishSerializer, request)
        code = safety.code_of_conduct_publish(text=data["text"], by=authed_user(request))
        return Response({"version": code.version, "text": code.text}, status=201)


class CodeOfConductAcceptApi(CommunityApi):
    @extend_schema(request=s.CodeOfConductAcceptSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        data = valid_data(s.CodeOfConductAcceptSerializer, request)
        safety.code_of_conduct_accept(user=authed_user(request), version=data["version"])
        return Response({"version": data["version"], "accepted": True})
