from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.domains.selectors import domain_dns_records
from tenants.models import Domain


class DnsRecordSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    value = serializers.CharField()
    purpose = serializers.CharField()


class DomainSerializer(serializers.ModelSerializer):
    dns_records = serializers.SerializerMethodField()

    class Meta:
        model = Domain
        fields = [
            "id",
            "domain",
            "is_primary",
            "status",
            "failure_reason",
            "added_at",
            "verified_at",
            "last_checked_at",
            "next_check_at",
            "dns_records",
        ]
        read_only_fields = fields

    @extend_schema_field(DnsRecordSerializer(many=True))
    def get_dns_records(self, domain: Domain) -> list[dict[str, Any]]:
        return DnsRecordSerializer(domain_dns_records(domain=domain), many=True).data


class DomainCreateSerializer(serializers.Serializer):
    # Long enough to reach the service, which gives the clear message.
    domain = serializers.CharField(max_length=1000, trim_whitespace=True)
