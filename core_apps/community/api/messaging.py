"""Conversations, messages and notifications."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core_apps.accounts.request import authed_user
from core_apps.community import serializers as s
from core_apps.community.api.base import CommunityApi, valid_data
from core_apps.community.selectors import messaging as messaging_selectors
from core_apps.community.services import messaging
from core_apps.community.services import notifications as notification_services
from pista.api.pagination import PageNumberPagination


class ConversationListApi(CommunityApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        summaries = messaging_selectors.conversations_for(user=authed_user(request))
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

    @extend_schema(
        request=s.ConversationCreateSerializer, responses={201: s.ConversationSerializer}
    )
    def post(self, request: Request) -> Response:
        data = valid_data(s.MessageCreateSerializer, request)
        recipient = s.BlockSerializer(data={"user_id": request.data.get("recipient_id")})
        recipient.is_valid(raise_exception=True)
        conversation = messaging.conversation_start(
            sender=authed_user(request),
            recipient_id=recipient.validated_data["user_id"],
            body=data["body"],
            image=data["image"],
        )
        return Response(s.ConversationSerializer(conversation).data, status=201)


class ConversationMessagesApi(CommunityApi):
    # Paginated by hand: tells the OpenAPI document the list is a page.
    pagination_class = PageNumberPagination

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=s.MessageSerializer(many=True))
    def get(self, request: Request, conversation_id: int) -> Response:
        conversation = messaging_selectors.conversation_for_member(
            conversation_id=conversation_id,
            user=authed_user(request),
        )
        messaging.conversation_mark_read(conversation=conversation, user=authed_user(request))
        messages = messaging_selectors.conversation_messages(
            conversation=conversation,
            viewer=authed_user(request),
        )
        return self.paginate(request, messages, s.MessageSerializer)

    @extend_schema(request=s.MessageCreateSerializer, responses={201: s.MessageSerializer})
    def post(self, request: Request, conversation_id: int) -> Response:
        conversation = messaging_selectors.conversation_for_member(
            conversation_id=conversation_id,
            user=authed_user(request),
        )
        data = valid_data(s.MessageCreateSerializer, request)
        message = messaging.message_send(
            conversation=conversation,
            sender=authed_user(request),
            body=data["body"],
            image=data["image"],
        )
        return Response(s.MessageSerializer(message).data, status=201)


class NotificationListApi(CommunityApi):
    # Paginated by hand: tells the OpenAPI document the list is a page.
    pagination_class = PageNumberPagination

    @extend_schema(responses=s.NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        items = messaging_selectors.notifications_for(user=authed_user(request))
        return self.paginate(request, items, s.NotificationSerializer)


class NotificationReadApi(CommunityApi):
    @extend_schema(request=None, responses=dict)
    def post(self, request: Request) -> Response:
        count = notification_services.notifications_mark_read(user=authed_user(request))
        return Response({"read": count})


class NotificationSettingsApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        return Response(messaging_selectors.notification_settings_for(user=authed_user(request)))

    @extend_schema(request=s.NotificationSettingSerializer, responses=dict)
    def put(self, request: Request) -> Response:
        data = valid_data(s.NotificationSettingSerializer, request)
        notification_services.notification_settings_update(user=authed_user(request), **data)
        return Response(messaging_selectors.notification_settings_for(user=authed_user(request)))
