"""``platform_weekly_report``: the last seven days' uptime, response time,
error rate and infrastructure cost, as lines and one JSON object (last line)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation
from django_tenants.utils import get_public_schema_name, schema_context

from pista.formats import money_format, percent_format
from tenants.console.selectors import platform_week_report


class Command(BaseCommand):
    help = (
        "Print the platform's weekly figures (uptime, p95 response time, error rate, "
        "infrastructure cost, GMV, revenue); the last line is JSON."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with schema_context(get_public_schema_name()), translation.override("en"):
            report = platform_week_report(fresh=True)
            uptime, requests = report.uptime, report.requests
            p95 = (
                f"over {requests.bounds_max_ms} ms"
                if requests.p95_beyond_bounds
                else "—"
                if requests.p95_ms is None
                else f"at most {requests.p95_ms} ms"
            )
            lines = [
                f"Week {report.start:%Y-%m-%d %H:%M} to {report.end:%Y-%m-%d %H:%M} UTC",
                f"Uptime: {percent_format(uptime.ratio)} ({uptime.ok} of {uptime.expected} "
                f"probed minutes ready, {uptime.failed} failed, {uptime.missing} missing)",
                f"Requests: {requests.total}, server errors: {requests.errors} "
                f"({percent_format(requests.error_rate)})",
                f"Response time, 95th percentile: {p95}",
                "Infrastructure cost: "
                + money_format(report.infra_cost_minor, report.infra_currency),
                *(f"GMV {c}: {money_format(v, c)}" for c, v in sorted(report.gmv.items())),
                *(
                    f"Platform revenue {c}: {money_format(v, c)}"
                    for c, v in sorted(report.revenue.items())
                ),
            ]
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(json.dumps(report.as_dict()))
