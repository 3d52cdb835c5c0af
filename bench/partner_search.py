"""Partner search over 100,000 dancer profiles in one community.

Run from the repository root: ``.venv/bin/python bench/partner_search.py``
(``--profiles N`` and ``--searches N`` to change the size). It provisions a
temporary community, generates the profiles inside PostgreSQL (the generator is
the SQL below), times many searches through ``partner_search`` (the function the
API and pages call) and through ``GET /api/v1/partner-search/``, compares them
with a baseline of the same queries with index scans disabled in this process,
prints the query plan summary, and drops the community again. The last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pista.settings")
# DEBUG is off here, so settings need a private key: a throwaway one per run.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from core_apps.accounts.models import User  # noqa: E402
from core_apps.community.models import (  # noqa: E402
    AVAILABILITY_SLOTS,
    GOALS,
    STYLE_CODES,
    PartnerSearchEntry,
    field_visibility_default,
)
from core_apps.community.selectors.partners import (  # noqa: E402
    PARTNER_SEARCH_SETUP_SQL,
    PartnerQuery,
    partner_search,
    partner_search_sql,
    viewer_origin,
)
from core_apps.community.selectors.safety import blocked_user_ids  # noqa: E402
from tenants.models import Community  # noqa: E402
from tenants.provisioning.services import community_create  # noqa: E402

CITIES = [  # (latitude, longitude): profiles cluster around a few cities
    (52.52, 13.40), (48.14, 11.58), (40.42, -3.70), (51.51, -0.13),
    (48.86, 2.35), (41.39, 2.17), (45.46, 9.19), (-34.60, -58.38),
]  # fmt: skip


def generate(n: int) -> None:
    """Users, profiles, skills and partner-search entries, generated in SQL.

    Visibility: 10 % private, 5 % public, the rest members-only; 1-3 styles per
    profile; roles 40 % lead, 45 % follow, 15 % both; levels 1-5; 1-3 goals and
    a few weekly slots; 1-2 languages. Entries mirror profile_search_index_refresh.
    """
    cities = ",".join(f"({i}, {lat}::float8, {lon}::float8)" for i, (lat, lon) in enumerate(CITIES))
    styles = "ARRAY[" + ",".join(f"'{s}'" for s in STYLE_CODES) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, first_name, last_name, email,"
            " is_staff, is_active, date_joined, display_name, language)"
            " SELECT '!', false, '', '', 'bench' || g || '@bench.invalid', false, true, now(),"
            " 'Dancer ' || g, '' FROM generate_series(1, %s) g",
            [n],
        )
        cursor.execute(
            f"""
            WITH c(i, lat, lon) AS (VALUES {cities})
            INSERT INTO community_dancerprofile (user_id, display_name, photo, pronouns, bio, city,
                latitude, longitude, languages, goals, availability, visibility, field_visibility,
                allow_open_messages, read_receipts, show_in_going_lists, hidden_by_moderation,
                updated_at)
            SELECT u.id, u.display_name, '', '', '', 'City ' || c.i,
                   round((c.lat + (random() - 0.5) * 0.8)::numeric, 2)::float8,
                   round((c.lon + (random() - 0.5) * 1.2)::numeric, 2)::float8,
                   (ARRAY['en','es','de','fr','it','pt'])[1 + (u.id %% 6)::int:
                                                          1 + (u.id %% 6)::int + (u.id %% 2)::int],
                   1 + (random() * 30)::int, (random() * 2097151)::int & (random() * 2097151)::int,
                   CASE WHEN random() < 0.10 THEN 'private'
                        WHEN random() < 0.06 THEN 'public' ELSE 'members' END,
                   %s::jsonb, random() < 0.1, false, random() < 0.3, false, now()
            FROM accounts_user u JOIN c ON c.i = u.id %% {len(CITIES)}
            """,
            [json.dumps(field_visibility_default())],
        )
        cursor.execute(
            f"""
            INSERT INTO community_danceskill (profile_id, style, role, level)
            SELECT p.id, ({styles})[1 + ((p.id * 7 + k * 3) % {len(STYLE_CODES)})::int],
                   CASE WHEN r < 0.40 THEN 1 WHEN r < 0.85 THEN 2 ELSE 3 END,
                   1 + floor(random() * 5)::int
            FROM community_dancerprofile p,
                 LATERAL generate_series(0, (p.id % 3)::int) k,
                 LATERAL (SELECT random() + 0 * k AS r) rr
            """
        )
        cursor.execute(
            """
            INSERT INTO community_partnersearchentry (profile_id, user_id, style, role, level,
                latitude, longitude, goals, availability, languages)
            SELECT p.id, p.user_id, s.style, s.role, s.level, p.latitude, p.longitude,
                   p.goals, p.availability, p.languages
            FROM community_danceskill s JOIN community_dancerprofile p ON p.id = s.profile_id
            WHERE p.visibility <> 'private'
            """
        )
        for table in ("accounts_user", "community_dancerprofile", "community_danceskill",
                      "community_partnersearchentry", "community_block"):  # fmt: skip
            # What autovacuum does after a bulk load: statistics, and the
            # visibility map that lets the search use an index-only scan.
            cursor.execute(f"VACUUM ANALYZE {table}")


def random_query(rng: random.Random) -> PartnerQuery:
    low = rng.randint(1, 5)
    high = rng.randint(low, 5)
    return PartnerQuery(
        style=rng.choice(STYLE_CODES),
        role=rng.choice([1, 2, 3]),
        level_min=low,
        level_max=high,
        distance_km=rng.choice([None, None, 10.0, 25.0, 50.0, 200.0]),
        goals=rng.choice([0, 0, GOALS["practice"], GOALS["social"] | GOALS["classes"]]),
        availability=rng.choice([0, 0, AVAILABILITY_SLOTS["tue-evening"]]),
        languages=rng.choice([(), (), ("es",), ("en", "de")]),
        limit=20,
        offset=rng.choice([0, 0, 0, 20]),
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_searches(viewers: list[User], queries: list[PartnerQuery]) -> tuple[list[float], int]:
    durations, found = [], 0
    for index, query in enumerate(queries):
        viewer = viewers[index % len(viewers)]
        started = time.perf_counter()
        found += len(partner_search(query=query, viewer=viewer))
        durations.append((time.perf_counter() - started) * 1000)
    return durations, found


def query_string(query: PartnerQuery) -> str:
    role = {1: "lead", 2: "follow", 3: "both"}[query.role]
    params = [f"style={query.style}", f"role={role}", f"level_min={query.level_min}",
              f"level_max={query.level_max}", f"offset={query.offset}"]  # fmt: skip
    if query.distance_km:
        params.append(f"distance_km={query.distance_km}")
    goals = [name for name, bit in GOALS.items() if query.goals & bit]
    if goals:
        params.append("goals=" + ",".join(goals))
    slots = [name for name, bit in AVAILABILITY_SLOTS.items() if query.availability & bit]
    if slots:
        params.append("availability=" + ",".join(slots))
    if query.languages:
        params.append("languages=" + ",".join(query.languages))
    return "&".join(params)


def time_api(host: str, viewer: User, queries: list[PartnerQuery]) -> list[float]:
    """The same searches end to end through ``GET /api/v1/partner-search/``."""
    client = Client(HTTP_HOST=host)
    client.force_login(viewer)
    durations = []
    for query in queries:
        started = time.perf_counter()
        response = client.get(f"/api/v1/partner-search/?{query_string(query)}")
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    return durations


def plan_summary(viewer: User, query: PartnerQuery) -> dict[str, Any]:
    sql, params = partner_search_sql(
        query=query,
        viewer_id=viewer.pk,
        excluded=sorted(blocked_user_ids(user=viewer)),
        origin=viewer_origin(viewer=viewer),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PARTNER_SEARCH_SETUP_SQL)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    nodes: list[str] = []
    indexes: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        nodes.append(node["Node Type"])
        if "Index Name" in node:
            indexes.add(node["Index Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return {
        "nodes": nodes,
        "indexes": sorted(indexes),
        "execution_ms": round(plan["Execution Time"], 2),
        "planning_ms": round(plan["Planning Time"], 2),
        "rows_scanned": plan["Plan"].get("Actual Rows"),
        "uses_index": bool(indexes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--baseline-searches", type=int, default=100)
    parser.add_argument("--api-searches", type=int, default=200)
    args = parser.parse_args()

    slug = f"bench-partners-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    community = community_create(
        slug=slug,
        name="Partner search bench",
        owner_email=f"owner@{slug}.invalid",
        owner_password=uuid.uuid4().hex,
    ).community
    print(f"community {slug} provisioned in {time.perf_counter() - started:.1f} s")
    try:
        with schema_context(community.schema_name):
            started = time.perf_counter()
            generate(args.profiles)
            entries = PartnerSearchEntry.objects.count()
            print(
                f"generated {args.profiles} profiles ({entries} search entries) "
                f"in {time.perf_counter() - started:.1f} s"
            )
            viewers = list(User.objects.filter(email__startswith="bench").order_by("?")[:20])
            rng = random.Random(7)
            queries = [random_query(rng) for _ in range(args.searches)]
            time_searches(viewers, queries[:20])  # warm up caches and connections
            durations, found = time_searches(viewers, queries)
            p50, p95 = percentile(durations, 0.50), percentile(durations, 0.95)
            print(
                f"{len(durations)} searches: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
                f"max {max(durations):.2f} ms, {found / len(durations):.1f} results per search"
            )
            host = community.domains.get(is_primary=True).domain
            api = time_api(host, viewers[0], queries[: args.api_searches])
            connection.set_schema(community.schema_name)
            api_p50, api_p95 = percentile(api, 0.50), percentile(api, 0.95)
            print(
                f"{len(api)} searches through GET /api/v1/partner-search/: "
                f"p50 {api_p50:.2f} ms, p95 {api_p95:.2f} ms"
            )
            with connection.cursor() as cursor:
                cursor.execute("SET enable_indexscan = off")
                cursor.execute("SET enable_indexonlyscan = off")
                cursor.execute("SET enable_bitmapscan = off")
            try:
                baseline, _ = time_searches(viewers, queries[: args.baseline_searches])
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET enable_indexscan")
                    cursor.execute("RESET enable_indexonlyscan")
                    cursor.execute("RESET enable_bitmapscan")
            baseline_p95 = percentile(baseline, 0.95)
            print(f"baseline without index scans: p95 {baseline_p95:.2f} ms")
            typical = PartnerQuery(
                style="tango", role=1, level_min=2, level_max=4, distance_km=50.0
            )
            plan = plan_summary(viewers[0], typical)
            print(
                "query plan (tango, lead, levels 2-4, 50 km): "
                f"{' > '.join(plan['nodes'])}; indexes {', '.join(plan['indexes']) or 'none'}; "
                f"execution {plan['execution_ms']} ms"
            )
    finally:
        connection.set_schema_to_public()
        community = Community.objects.get(pk=community.pk)
        community.domains.all().delete()
        community.delete(force_drop=True)
        print(f"community {slug} dropped")
    result = {
        "profiles": args.profiles,
        "search_entries": entries,
        "searches": len(durations),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(durations), 2),
        "api_p50_ms": round(api_p50, 2),
        "api_p95_ms": round(api_p95, 2),
        "baseline_p95_ms": round(baseline_p95, 2),
        "ratio": round(baseline_p95 / p95, 2) if p95 else None,
        "target_p95_ms": 100,
        "plan": plan,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
