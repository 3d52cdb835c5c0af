from __future__ import annotations

from core_apps.community.selectors.partners import partner_query_parse, partner_search
from core_apps.community.services.safety import block_create

from .conftest import (
    assert_no_contact_details,
    client_with_cookies_of,
    member_create,
    signed_in,
)


def tango(role: str, level: int) -> list[dict[str, object]]:
    return [{"style": "tango", "role": role, "level": level}]


BERLIN = {"latitude": 52.52, "longitude": 13.40, "city": "Berlin"}


def test_follower_finds_leads_ranked_by_the_documented_score(in_a) -> None:
    me = member_create(
        name="Fiona Follow",
        styles=tango("follow", 3),
        goals=["practice"],
        availability=["tue-evening", "thu-evening"],
        **BERLIN,
    )
    best = member_create(
        name="Best Lead",
        styles=tango("lead", 3),
        goals=["practice"],
        availability=["tue-evening", "thu-evening", "sat-evening"],
        **BERLIN,
    )
    both = member_create(name="Both Ways", styles=tango("both", 3), **BERLIN)
    far_level = member_create(name="Far Level", styles=tango("lead", 5), **BERLIN)
    member_create(name="Other Follow", styles=tango("follow", 3), **BERLIN)
    member_create(name="Salsa Lead", styles=[{"style": "salsa", "role": "lead", "level": 3}])

    # No role given: the complement of my own role (I follow, so leads).
    query = partner_query_parse(params={"style": "tango"}, viewer=me)
    matches = partner_search(query=query, viewer=me)
    assert [m.user_id for m in matches] == [best.pk, both.pk, far_level.pk]
    # 40*1 + 25*1 + 15*1 + 10*(1/1 goals) + 10*min(1, 2/3 slots)
    assert matches[0].score == round(40 + 25 + 15 + 10 + 10 * 2 / 3, 2)
    # Dances both roles: 40*0.75 + 25 + 15
    assert matches[1].score == 70.0
    # Exact role but two levels away: 40 + 25*0.5 + 15
    assert matches[2].score == 67.5


def test_search_filters_by_level_distance_language_goals_and_availability(in_a) -> None:
    me = member_create(name="Seeker", styles=tango("follow", 2), **BERLIN)
    near = member_create(
        name="Near",
        styles=tango("lead", 2),
        languages=["es"],
        goals=["classes"],
        availability=["mon-evening"],
        latitude=52.55,
        longitude=13.45,
        city="Berlin",
    )
    member_create(
        name="Munich", styles=tango("lead", 2), latitude=48.14, longitude=11.58, languages=["de"]
    )
    member_create(name="Expert", styles=tango("lead", 5), **BERLIN)
    client = signed_in(in_a, me)

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/partner-search/?style=tango&role=lead&{query}")
        assert response.status_code == 200, response.content
        return [r["member"]["display_name"] for r in response.json()["results"]]

    assert names("distance_km=20") == ["Near", "Expert"]
    assert names("level_min=1&level_max=3") == ["Near", "Munich"]
    assert names("languages=es") == ["Near"]
    assert names("goals=classes") == ["Near"]
    assert names("availability=mon-evening") == ["Near"]
    result = client.get("/api/v1/partner-search/?style=tango&role=lead&distance_km=20").json()
    assert result["results"][0]["distance_km"] == 5
    assert near.pk == result["results"][0]["member"]["id"]


def test_impossible_searches_get_clear_messages(in_a) -> None:
    me = member_create(name="Odd Searcher", styles=tango("follow", 2))
    client = signed_in(in_a, me)
    cases = {
        "style=tango&level_min=4&level_max=2": ("invalid_level_range", "impossible"),
        "style=tango&distance_km=-5": ("invalid_distance", "more than 0"),
        "style=tango&distance_km=abc": ("invalid_distance", "number"),
        "style=tango&distance_km=10": ("no_home_area", "home area"),
        "style=moonwalk": ("invalid_style", "Choose a dance style"),
        "style=tango&role=captain": ("invalid_role", "lead, follow or both"),
        "style=tango&level_min=0": ("invalid_level_range", "Levels go"),
    }
    for query, (code, words) in cases.items():
        response = client.get(f"/api/v1/partner-search/?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == code
        assert words in response.json()["detail"]
    html = client.get("/community/partners/?style=tango&level_min=4&level_max=2")
    assert html.status_code == 200
    assert "impossible" in html.content.decode()


def test_blocked_members_vanish_from_each_others_search_and_profiles(in_a) -> None:
    lead = member_create(name="Blocked Lead", styles=tango("lead", 3))
    follow = member_create(name="Blocking Follow", styles=tango("follow", 3))
    block_create(blocker=follow, blocked_id=lead.pk)
    follow_client, lead_client = signed_in(in_a, follow), signed_in(in_a, lead)

    assert (
        follow_client.get("/api/v1/partner-search/?style=tango&role=lead").json()["results"] == []
    )
    assert (
        lead_client.get("/api/v1/partner-search/?style=tango&role=follow").json()["results"] == []
    )
    assert follow_client.get(f"/api/v1/members/{lead.pk}/").status_code == 404
    assert lead_client.get(f"/api/v1/members/{follow.pk}/").status_code == 404
    assert lead_client.get(f"/community/members/{follow.pk}/").status_code == 404
    # The blocked side is not told: the answer is the same as for a private profile.
    assert lead_client.get(f"/api/v1/members/{follow.pk}/").json() == {
        "code": "not_found",
        "detail": "No such member.",
    }


def test_search_results_never_show_email_or_phone(in_a) -> None:
    me = member_create(name="Privacy Check", styles=tango("follow", 3))
    others = [
        member_create(name=f"Lead {n}", styles=tango("lead", 3), bio="<p>call me</p>")
        for n in range(3)
    ]
    client = signed_in(in_a, me)
    api = client.get("/api/v1/partner-search/?style=tango").content.decode()
    html = client.get("/community/partners/?style=tango").content.decode()
    assert "Lead 0" in api and "Lead 0" in html
    assert_no_contact_details(api, *others)
    assert_no_contact_details(html, *others)
    assert "phone" not in api


def test_partner_search_needs_sign_in_and_stays_in_its_community(
    in_a, client_b, community_b
) -> None:
    member_create(name="Alpha Lead", styles=tango("lead", 3))
    me = member_create(name="Alpha Follow", styles=tango("follow", 3))
    assert client_b.get("/api/v1/partner-search/?style=tango").status_code == 403
    alpha_client = signed_in(in_a, me)
    assert len(alpha_client.get("/api/v1/partner-search/?style=tango").json()["results"]) == 1
    stolen = client_with_cookies_of(alpha_client, community_b)
    assert stolen.get("/api/v1/partner-search/?style=tango").status_code == 403
    assert alpha_client.get("/api/v1/partner-search/?style=tango").status_code == 200
