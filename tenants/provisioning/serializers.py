from __future__ import annotations

from rest_framework import serializers

from tenants.current import community_primary_domain
from tenants.models import Community


class CommunitySerializer(serializers.ModelSerializer):
    primary_domain = serializers.SerializerMethodField()

    class Meta:
        model = Community
        fields = ["name", "slug", "language", "currency", "time_zone", "primary_domain"]

    def get_primary_domain(self, community: Community) -> str | None:
        return community_primary_domain(community=community)


class CommunityUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    language = serializers.CharField(max_length=8, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
