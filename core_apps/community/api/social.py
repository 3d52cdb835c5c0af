"""Follows and groups."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core_apps.accounts.request import authed_user
from core_apps.community import serializers as s
from core_apps.community.api.base import CommunityApi, valid_data
from core_apps.community.selectors import messaging as messaging_selectors
from core_apps.community.services import social
from pista.spreadsheets import cell_safe


class FollowListApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        return Response({"following": messaging_selectors.following_of(user=authed_user(request))})

    @extend_schema(request=s.FollowSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = valid_data(s.FollowSerializer, request)
        social.follow_create(follower=authed_user(request), followed_id=data["user_id"])
        return Response({"user_id": data["user_id"], "following": True}, status=201)


class FollowDetailApi(CommunityApi):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        social.follow_delete(follower=authed_user(request), followed_id=user_id)
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

    @extend_schema(request=s.GroupCreateSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = valid_data(s.GroupCreateSerializer, request)
        group = social.group_create(creator=authed_user(request), **data)
        return Response(_group_out(group, request.user), status=201)


class GroupDetailApi(CommunityApi):
    @extend_schema(responses=dict)
    def get(self, request: Request, slug: str) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        members = messaging_selectors.group_members(group=group, viewer=authed_user(request))
        posts = messaging_selectors.group_posts(group=group, viewer=authed_user(request))
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
        rows = messaging_selectors.group_members_export(group=group, viewer=authed_user(request))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="group-{group.pk}-members.csv"'
        columns = ["id", "display_name", "pronouns", "city", "languages", "styles"]
        writer = csv.DictWriter(response, fieldnames=columns, restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: cell_safe(v) for k, v in row.items()})
        return response


class GroupJoinApi(CommunityApi):
    @extend_schema(request=None, responses={201: dict})
    def post(self, request: Request, slug: str) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        membership = social.group_join(group=group, user=authed_user(request))
        return Response({"membership": membership.status}, status=201)


class GroupApproveApi(CommunityApi):
    @extend_schema(request=None, responses=dict)
    def post(self, request: Request, slug: str, user_id: int) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        membership = social.group_membership_approve(
            group=group, approver=authed_user(request), user_id=user_id
        )
        return Response({"user_id": user_id, "membership": membership.status})


class GroupPostCreateApi(CommunityApi):
    @extend_schema(request=s.GroupPostCreateSerializer, responses={201: dict})
    def post(self, request: Request, slug: str) -> Response:
        group = messaging_selectors.group_get(slug=slug)
        data = valid_data(s.GroupPostCreateSerializer, request)
        post = social.group_post_create(group=group, author=authed_user(request), **data)
        return Response({"id": post.pk}, status=201)
