"""Partner search and partner relations.

Ranking score (0-100), documented for members and tested:

    score = 40·role_fit + 25·level_fit + 15·distance_fit + 10·goals_fit + 10·availability_fit

- role_fit: 1 if the candidate dances exactly the wanted role, 0.75 if they dance both.
- level_fit: 1 - |candidate level - reference level| / 4, where the reference is the
  searcher's own level in the style, else the middle of the requested range.
- distance_fit: 1 - distance / radius (0 at or beyond the radius; the radius is the
  distance filter, else 50 km); 0.5 when either side has no visible home area.
- goals_fit: shared goals / the searcher's goals (0 if the searcher set none).
- availability_fit: shared weekly slots / 3, at most 1.

Ties go to the most recently written search entry. Distances use the
equirectangular approximation of the great-circle distance (well under 1 % off
within a few hundred km, and cheap: no trigonometry per row), after a bounding
box. The query reads only ``PartnerSearchEntry`` (one row per searchable profile
and style, holding only what the member lets other members see), uses the
covering (style, role, level) index, float arithmetic throughout, and core
PostgreSQL only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import InvalidSearch
from core_apps.community.models import (
    AVAILABILITY_SLOTS,
    GOALS,
    LEVEL_MAX,
    LEVEL_MIN,
    STYLE_CODES,
    DanceRole,
    DancerProfile,
    DanceSkill,
    PartnerPost,
    PartnerRequest,
    PartnerSearchEntry,
)
from core_apps.community.selectors.safety import blocked_user_ids

DEFAULT_RADIUS_KM = 50.0
MAX_DISTANCE_KM = 1000.0
KM_PER_DEGREE = 111.195  # of latitude (Earth radius 6371 km)
# A top-20 over at most a few ten thousand index-selected rows: starting
# parallel workers costs more than it saves (measured: ~60 ms vs ~15 ms).
PARTNER_SEARCH_SETUP_SQL = "SET LOCAL max_parallel_workers_per_gather = 0"
PAGE_SIZE_MAX = 50
ROLE_NAMES = {"lead": DanceRole.LEAD, "follow": DanceRole.FOLLOW, "both": DanceRole.BOTH}


@dataclass(frozen=True)
class PartnerQuery:
    style: str
    role: int
    level_min: int
    level_max: int
    distance_km: float | None = None
    goals: int = 0
    availability: int = 0
    languages: tuple[str, ...] = ()
    limit: int = 20
    offset: int = 0
    # The searcher's own level in the style (None: the middle of the range).
    own_level: int | None = None


@dataclass(frozen=True)
class PartnerMatch:
    user_id: int
    profile_id: int
    score: float
    distance_km: float | None


def _as_int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidSearch(
            _("%(name)s must be a whole number.") % {"name": name}, code="invalid_search"
        ) from None


def partner_query_parse(*, params: dict[str, Any], viewer: User) -> PartnerQuery:
    """Turn request parameters into a query. Raises InvalidSearch with a clear message."""
    style = (params.get("style") or "").strip().lower()
    if style not in STYLE_CODES:
        raise InvalidSearch(
            _("Choose a dance style: one of %(styles)s.") % {"styles": ", ".join(STYLE_CODES)},
            code="invalid_style",
        )
    own = DanceSkill.objects.filter(profile__user=viewer, style=style).first()
    role_name = (params.get("role") or "").strip().lower()
    if role_name:
        if role_name not in ROLE_NAMES:
            raise InvalidSearch(_("role must be lead, follow or both."), code="invalid_role")
        role = int(ROLE_NAMES[role_name])
    elif own is not None and own.role != DanceRole.BOTH:
        role = DanceRole.BOTH - own.role  # the complementary role
    else:
        role = int(DanceRole.BOTH)
    level_min = _as_int(params.get("level_min") or LEVEL_MIN, "level_min")
    level_max = _as_int(params.get("level_max") or LEVEL_MAX, "level_max")
    if not (LEVEL_MIN <= level_min <= LEVEL_MAX and LEVEL_MIN <= level_max <= LEVEL_MAX):
        raise InvalidSearch(
            _("Levels go from %(lowest)s to %(highest)s.")
            % {"lowest": LEVEL_MIN, "highest": LEVEL_MAX},
            code="invalid_level_range",
        )
    if level_min > level_max:
        raise InvalidSearch(
            _("The level range is impossible: the minimum is above the maximum."),
            code="invalid_level_range",
        )
    distance: float | None = None
    if params.get("distance_km") not in (None, ""):
        try:
            distance = float(params["distance_km"])
        except (TypeError, ValueError):
            raise InvalidSearch(
                _("distance_km must be a number."), code="invalid_distance"
            ) from None
        if not (0 < distance <= MAX_DISTANCE_KM) or math.isnan(distance):
            raise InvalidSearch(
                _("The distance must be more than 0 and at most %(max_km)s km.")
                % {"max_km": format(MAX_DISTANCE_KM, ".0f")},
                code="invalid_distance",
            )
    goals = 0
    for name in _as_list(params.get("goals")):
        if name not in GOALS:
            raise InvalidSearch(_("Unknown goal %(name)r.") % {"name": name}, code="invalid_goal")
        goals |= GOALS[name]
    availability = 0
    for name in _as_list(params.get("availability")):
        if name not in AVAILABILITY_SLOTS:
            raise InvalidSearch(
                _("Unknown availability slot %(name)r.") % {"name": name}, code="invalid_slot"
            )
        availability |= AVAILABILITY_SLOTS[name]
    languages = tuple(code.lower() for code in _as_list(params.get("languages")) if code)
    if any(len(code) > 8 for code in languages):
        raise InvalidSearch(_("Use language codes such as en or es."), code="invalid_language")
    limit = min(max(_as_int(params.get("limit") or 20, "limit"), 1), PAGE_SIZE_MAX)
    offset = max(_as_int(params.get("offset") or 0, "offset"), 0)
    return PartnerQuery(
        style=style,
        role=role,
        level_min=level_min,
        level_max=level_max,
        distance_km=distance,
        goals=goals,
        availability=availability,
        languages=languages,
        limit=limit,
        offset=min(offset, 10_000),
        own_level=own.level if own is not None else None,
    )


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = [str(v) for v in value] if isinstance(value, list | tuple) else str(value).split(",")
    return [item.strip().lower() for item in items if item.strip()]


def partner_search_sql(
    *,
    query: PartnerQuery,
    viewer_id: int,
    excluded: list[int],
    origin: tuple[float, float] | None,
    viewer_masks: tuple[int, int] | None = None,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of one partner search (also used by the bench's EXPLAIN)."""
    table = PartnerSearchEntry._meta.db_table
    reference_level: float = (
        query.own_level if query.own_level is not None else (query.level_min + query.level_max) / 2
    )
    where = [
        "e.style = %s",
        "e.level BETWEEN %s AND %s",
        "e.role = ANY(%s)",
        "e.user_id <> ALL(%s)",
    ]
    params: list[Any] = [
        query.style,
        query.level_min,
        query.level_max,
        [role for role in DanceRole.values if role & query.role],
        [viewer_id, *excluded],
    ]
    radius = query.distance_km or DEFAULT_RADIUS_KM
    if origin is not None:
        lat, lon = origin
        distance_sql = (
            "%s::float8 * sqrt(power(e.latitude - %s::float8, 2)"
            " + power((e.longitude - %s::float8) * %s::float8, 2))"
        )
        distance_params: list[Any] = [KM_PER_DEGREE, lat, lon, math.cos(math.radians(lat))]
    else:
        distance_sql, distance_params = "NULL::float8", []
    if query.distance_km is not None:
        if origin is None:
            raise InvalidSearch(
                _("Set your home area in your profile to search by distance."),
                code="no_home_area",
            )
        lat, lon = origin
        dlat = query.distance_km / KM_PER_DEGREE
        dlon = query.distance_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        where.append("e.latitude BETWEEN %s AND %s AND e.longitude BETWEEN %s AND %s")
        params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
        where.append("d.km <= %s")
        params.append(query.distance_km)
    if query.goals:
        where.append("(e.goals & %s) <> 0")
        params.append(query.goals)
    if query.availability:
        where.append("(e.availability & %s) <> 0")
        params.append(query.availability)
    if query.languages:
        where.append("e.languages && %s::varchar[]")
        params.append(list(query.languages))

    viewer_goals, viewer_availability = viewer_masks or _viewer_masks(viewer_id)
    wanted_goals = query.goals or viewer_goals
    viewer_slots = query.availability or viewer_availability
    goals_fit = (
        f"bit_count((e.goals & {int(wanted_goals)})::bit(32))::float8"
        f" / {bin(wanted_goals).count('1')}::float8"
        if wanted_goals
        else "0::float8"
    )
    score_sql = (
        "40::float8 * (CASE WHEN e.role = %s THEN 1::float8 ELSE 0.75::float8 END)"
        " + 25::float8 * (1::float8 - abs(e.level - %s::float8) / 4::float8)"
        " + 15::float8 * (CASE WHEN d.km IS NULL THEN 0.5::float8"
        " ELSE greatest(0::float8, 1::float8 - d.km / %s::float8) END)"
        f" + 10::float8 * {goals_fit}"
        " + 10::float8 * least(1::float8,"
        " bit_count((e.availability & %s)::bit(32))::float8 / 3::float8)"
    )
    score_params: list[Any] = [query.role, reference_level, radius, viewer_slots]
    sql = (
        f"SELECT e.user_id, e.profile_id, ({score_sql}) AS score, d.km"  # noqa: S608
        f" FROM {table} e"
        f" CROSS JOIN LATERAL (SELECT {distance_sql} AS km) d"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY score DESC, e.id DESC LIMIT %s OFFSET %s"
    )
    return sql, [*score_params, *distance_params, *params, query.limit, query.offset]


def _viewer_masks(viewer_id: int) -> tuple[int, int]:
    """The searcher's own goals and availability bit masks."""
    row = (
        DancerProfile.objects.filter(user_id=viewer_id).values_list("goals", "availability").first()
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


def viewer_origin(*, viewer: User) -> tuple[float, float] | None:
    row = (
        DancerProfile.objects.filter(user=viewer, latitude__isnull=False, longitude__isnull=False)
        .values_list("latitude", "longitude")
        .first()
    )
    if row is None or row[0] is None or row[1] is None:
        return None
    return (row[0], row[1])


def partner_search(*, query: PartnerQuery, viewer: User) -> list[PartnerMatch]:
    """Ranked candidates for ``viewer`` (never themselves, never blocked either way,
    never private, hidden or suspended profiles: those have no search entries)."""
    row = (
        DancerProfile.objects.filter(user=viewer)
        .values_list("latitude", "longitude", "goals", "availability")
        .first()
    )
    origin = (row[0], row[1]) if row and row[0] is not None and row[1] is not None else None
    sql, params = partner_search_sql(
        query=query,
        viewer_id=viewer.pk,
        excluded=sorted(blocked_user_ids(user=viewer)),
        origin=origin,
        viewer_masks=(int(row[2]), int(row[3])) if row else (0, 0),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PARTNER_SEARCH_SETUP_SQL)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        PartnerMatch(
            user_id=row[0],
            profile_id=row[1],
            score=round(float(row[2]), 2),
            distance_km=None if row[3] is None else max(1.0, round(float(row[3]))),
        )
        for row in rows
    ]


def partners_are(*, a_id: int, b_id: int) -> bool:
    """True when one of the two accepted the other's partner request."""
    return PartnerRequest.objects.filter(
        Q(sender_id=a_id, recipient_id=b_id) | Q(sender_id=b_id, recipient_id=a_id),
        status=PartnerRequest.Status.ACCEPTED,
    ).exists()


def partner_requests_for(*, user: User) -> dict[str, list[PartnerRequest]]:
    """Incoming and outgoing requests, without anyone blocked either way."""
    hidden = blocked_user_ids(user=user)
    base = PartnerRequest.objects.select_related(
        "sender__dancer_profile", "recipient__dancer_profile"
    ).order_by("-created_at")
    incoming = [
        r for r in base.filter(recipient=user, sender__is_active=True) if r.sender_id not in hidden
    ]
    outgoing = [r for r in base.filter(sender=user) if r.recipient_id not in hidden]
    return {"incoming": incoming, "outgoing": outgoing}


def partner_request_get(*, request_id: int, user: User) -> PartnerRequest:
    """A request ``user`` sent or received. Raises MemberNotFound otherwise."""
    from core_apps.community.errors import MemberNotFound

    found = (
        PartnerRequest.objects.filter(Q(sender=user) | Q(recipient=user), pk=request_id)
        .select_related("sender__dancer_profile", "recipient__dancer_profile")
        .first()
    )
    if (
        found is None
        or found.sender_id in blocked_user_ids(user=user)
        or (found.recipient_id in blocked_user_ids(user=user))
    ):
        raise MemberNotFound(_("No such partner request."))
    return found


def partner_posts_open(*, viewer: User) -> list[PartnerPost]:
    """Every open "looking for a partner" post, newest first (the posts page),
    without authors ``viewer`` blocked or was blocked by."""
    posts = PartnerPost.objects.filter(
        is_open=True, hidden_by_moderation=False, author__is_active=True
    ).exclude(author_id__in=blocked_user_ids(user=viewer))
    return list(posts.select_related("author__dancer_profile").order_by("-created_at")[:100])


def partner_posts_for_event(
    *, event_ref: int | None = None, event_slug: str = "", viewer: User | None = None
) -> list[PartnerPost]:
    """Seam for couple registration: open "looking for a partner" posts of one event
    (without authors ``viewer`` blocked or was blocked by)."""
    posts = PartnerPost.objects.filter(
        is_open=True, hidden_by_moderation=False, author__is_active=True
    )
    if viewer is not None:
        posts = posts.exclude(author_id__in=blocked_user_ids(user=viewer))
    if event_ref is not None:
        posts = posts.filter(event_ref=event_ref)
    elif event_slug:
        posts = posts.filter(event_slug=event_slug)
    else:
        return []
    return list(posts.select_related("author__dancer_profile").order_by("-created_at"))
