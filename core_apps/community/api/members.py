"""Profiles, partner search and partner requests."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core_apps.accounts.request import authed_user
from core_apps.community import serializers as s
from core_apps.community.api.base import CommunityApi, valid_data
from core_apps.community.models import DancerProfile
from core_apps.community.selectors import partners as partner_selectors
from core_apps.community.selectors.profiles import profile_for_viewer, profile_present
from core_apps.community.services import partners, profiles, safety


def _profile_out(profile: DancerProfile, viewer: Any) -> dict[str, Any]:
    profile = DancerProfile.objects.prefetch_related("skills").get(pk=profile.pk)
    return profile_present(profile=profile, viewer=viewer)


class MemberMeApi(CommunityApi):
    """The signed-in member's own dancer profile."""

    @extend_schema(responses=dict, operation_id="members_me_retrieve")
    def get(self, request: Request) -> Response:
        profile = profiles.profile_get_or_create(user=authed_user(request))
        return Response(_profile_out(profile, request.user))

    @extend_schema(request=s.ProfileUpdateSerializer, responses=dict)
    def patch(self, request: Request) -> Response:
        changes = s.ProfileUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        data = dict(changes.validated_data)
        if "styles" in data:
            data["styles"] = [dict(item) for item in data["styles"]]
        profile = profiles.profile_update(user=authed_user(request), changes=data)
        return Response(_profile_out(profile, request.user))


class MemberMePhotoApi(CommunityApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.PhotoUploadSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("photo")
        if upload is None:
            from core_apps.community.errors import InvalidImage

            raise InvalidImage(_("Attach an image as 'photo'."), code="image_required")
        profile = profiles.profile_photo_set(user=authed_user(request), upload=upload)
        return Response(_profile_out(profile, request.user))

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        profiles.profile_photo_set(user=authed_user(request), upload=None)
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
        safety.code_of_conduct_require(user=authed_user(request))
        query = partner_selectors.partner_query_parse(
            params={key: request.query_params.get(key) for key in request.query_params},
            viewer=authed_user(request),
        )
        matches = partner_selectors.partner_search(query=query, viewer=authed_user(request))
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
    @extend_schema(
        responses=inline_serializer(
            "PartnerRequestLists",
            {
                "incoming": s.PartnerRequestSerializer(many=True),
                "outgoing": s.PartnerRequestSerializer(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        found = partner_selectors.partner_requests_for(user=authed_user(request))
        return Response(
            {
                "incoming": s.PartnerRequestSerializer(found["incoming"], many=True).data,
                "outgoing": s.PartnerRequestSerializer(found["outgoing"], many=True).data,
            }
        )

    @extend_schema(
        request=s.PartnerRequestCreateSerializer, responses={201: s.PartnerRequestSerializer}
    )
    def post(self, request: Request) -> Response:
        data = valid_data(s.PartnerRequestCreateSerializer, request)
        created = partners.partner_request_send(sender=authed_user(request), **data)
        return Response(s.PartnerRequestSerializer(created).data, status=201)


class PartnerRequestRespondApi(CommunityApi):
    @extend_schema(request=s.RespondSerializer, responses=s.PartnerRequestSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        data = valid_data(s.RespondSerializer, request)
        answered = partners.partner_request_respond(
            request_id=request_id,
            user=authed_user(request),
            accept=data["accept"],
        )
        return Response(s.PartnerRequestSerializer(answered).data)


class PartnerRequestWithdrawApi(CommunityApi):
    @extend_schema(request=None, responses=s.PartnerRequestSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        withdrawn = partners.partner_request_withdraw(
            request_id=request_id, user=authed_user(request)
        )
        return Response(s.PartnerRequestSerializer(withdrawn).data)


class PartnerPostListApi(CommunityApi):
    """ "Looking for a partner for <event/course>" posts; ``?event_ref=`` or
    ``?event_slug=`` lists one event's open posts (for couple registration)."""

    @extend_schema(
        responses=inline_serializer(
            "PartnerPostList", {"results": s.PartnerPostSerializer(many=True)}
        )
    )
    def get(self, request: Request) -> Response:
        ref = request.query_params.get("event_ref", "")
        posts = partner_selectors.partner_posts_for_event(
            event_ref=int(ref) if ref.isdigit() else None,
            event_slug=request.query_params.get("event_slug", ""),
            viewer=authed_user(request),
        )
        return Response({"results": s.PartnerPostSerializer(posts, many=True).data})

    @extend_schema(request=s.PartnerPostCreateSerializer, responses={201: s.PartnerPostSerializer})
    def post(self, request: Request) -> Response:
        data = valid_data(s.PartnerPostCreateSerializer, request)
        post = partners.partner_post_create(author=authed_user(request), **data)
        return Response(s.PartnerPostSerializer(post).data, status=201)
