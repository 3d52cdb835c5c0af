"""Property tests of the role-balance decision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core_apps.ticketing.balance import (
    BalanceRules,
    DanceRole,
    InvalidRole,
    Mode,
    Policy,
    balance_decide,
    within_policy,
)

rules_strategy = st.builds(
    BalanceRules,
    mode=st.sampled_from([Mode.LEAD_FOLLOW, Mode.LEAD_FOLLOW_SWITCH]),
    policy=st.sampled_from(list(Policy)),
    max_difference=st.integers(1, 6),
    max_ratio=st.decimals(min_value=1, max_value=3, places=2),
    grace=st.integers(0, 8),
    couples_together=st.booleans(),
)
request_strategy = st.sampled_from(["lead", "follow", "switch", "couple"])


def _apply(rules, leads, follows, request):
    if request == "switch" and rules.mode != Mode.LEAD_FOLLOW_SWITCH:
        request = "lead"
    decision = balance_decide(
        rules=rules,
        leads=leads,
        follows=follows,
        role=None if request == "couple" else request,
        couple=request == "couple",
    )
    return decision, leads + decision.leads, follows + decision.follows


@given(rules=rules_strategy, requests=st.lists(request_strategy, max_size=80))
def test_admitted_singles_never_leave_the_counts_outside_the_policy_past_the_grace_count(
    rules, requests
):
    leads = follows = 0
    for request in requests:
        before = abs(leads - follows)
        # Once past the grace count and within the policy, the counts stay within it.
        settled = leads + follows > rules.grace and within_policy(
            rules=rules, leads=leads, follows=follows
        )
        decision, leads, follows = _apply(rules, leads, follows, request)
        within = within_policy(rules=rules, leads=leads, follows=follows)
        if settled:
            assert within
        if decision.leads + decision.follows == 1:  # an admitted single
            # Inside the policy, or (right after a lopsided grace period) strictly
            # closer to balance than before.
            assert within or abs(leads - follows) < before


@given(rules=rules_strategy, requests=st.lists(request_strategy, max_size=80))
def test_with_no_grace_the_counts_are_always_within_the_policy(rules, requests):
    rules = BalanceRules(**{**rules.__dict__, "grace": 0})
    leads = follows = 0
    for request in requests:
        _, leads, follows = _apply(rules, leads, follows, request)
        assert within_policy(rules=rules, leads=leads, follows=follows)


@given(rules=rules_strategy, leads=st.integers(0, 60), follows=st.integers(0, 60))
def test_the_smaller_role_is_always_admitted(rules, leads, follows):
    if leads == follows:
        return
    short = DanceRole.FOLLOW if follows < leads else DanceRole.LEAD
    decision = balance_decide(rules=rules, leads=leads, follows=follows, role=short)
    assert decision.admitted
    assert decision.role == short


@given(rules=rules_strategy, leads=st.integers(0, 60), follows=st.integers(0, 60))
def test_a_switch_is_placed_in_the_smaller_role_and_admitted(rules, leads, follows):
    rules = BalanceRules(**{**rules.__dict__, "mode": Mode.LEAD_FOLLOW_SWITCH})
    decision = balance_decide(rules=rules, leads=leads, follows=follows, role="switch")
    assert decision.admitted
    assert decision.role == (DanceRole.FOLLOW if follows < leads else DanceRole.LEAD)


@given(rules=rules_strategy, leads=st.integers(0, 60), follows=st.integers(0, 60))
def test_couples_are_admitted_together_when_the_rules_say_so(rules, leads, follows):
    rules = BalanceRules(**{**rules.__dict__, "couples_together": True})
    decision = balance_decide(rules=rules, leads=leads, follows=follows, couple=True)
    assert (decision.admitted, decision.leads, decision.follows) == (True, 1, 1)


@given(rules=rules_strategy, leads=st.integers(0, 60), follows=st.integers(0, 60))
def test_a_couple_decided_as_two_singles_admits_each_partner_only_within_the_rules(
    rules, leads, follows
):
    rules = BalanceRules(**{**rules.__dict__, "couples_together": False})
    couple = balance_decide(rules=rules, leads=leads, follows=follows, couple=True)
    lead = balance_decide(rules=rules, leads=leads, follows=follows, role="lead")
    follow = balance_decide(rules=rules, leads=leads + lead.leads, follows=follows, role="follow")
    assert (couple.leads, couple.follows) == (lead.leads, follow.follows)
    assert set(couple.waitlist) == set(lead.waitlist + follow.waitlist)


@given(
    leads=st.integers(0, 100),
    follows=st.integers(0, 100),
    role=st.sampled_from(["lead", "follow", None]),
)
def test_with_roles_off_everyone_is_admitted_and_no_role_is_counted(leads, follows, role):
    decision = balance_decide(rules=BalanceRules(), leads=leads, follows=follows, role=role)
    assert decision.admitted and (decision.leads, decision.follows) == (0, 0)


def test_a_follower_is_waitlisted_when_the_difference_would_exceed_the_limit():
    rules = BalanceRules(mode=Mode.LEAD_FOLLOW, policy=Policy.DIFFERENCE, max_difference=2)
    decision = balance_decide(rules=rules, leads=3, follows=5, role="follow")
    assert not decision.admitted
    assert decision.waitlist == (DanceRole.FOLLOW,)
    assert "follow" in decision.reason


def test_a_leader_is_waitlisted_when_the_ratio_would_exceed_the_limit():
    rules = BalanceRules(mode=Mode.LEAD_FOLLOW, policy=Policy.RATIO, max_ratio=Decimal("1.2"))
    assert balance_decide(rules=rules, leads=11, follows=10, role="lead").admitted  # 12/10
    assert not balance_decide(rules=rules, leads=12, follows=10, role="lead").admitted  # 13/10


def test_the_grace_count_admits_the_first_registrations_whatever_their_role():
    rules = BalanceRules(mode=Mode.LEAD_FOLLOW, max_difference=1, grace=4)
    leads = 0
    for _ in range(4):
        decision = balance_decide(rules=rules, leads=leads, follows=0, role="lead")
        assert decision.admitted
        leads += decision.leads
    assert not balance_decide(rules=rules, leads=4, follows=0, role="lead").admitted
    assert balance_decide(rules=rules, leads=4, follows=0, role="follow").admitted


def test_a_missing_or_switch_role_is_refused_when_the_mode_has_no_place_for_it():
    rules = BalanceRules(mode=Mode.LEAD_FOLLOW)
    with pytest.raises(InvalidRole):
        balance_decide(rules=rules, leads=0, follows=0, role=None)
    with pytest.raises(InvalidRole):
        balance_decide(rules=rules, leads=0, follows=0, role="switch")


def test_rules_with_a_ratio_under_one_cannot_be_built():
    with pytest.raises(ValueError, match="ratio"):
        BalanceRules(mode=Mode.LEAD_FOLLOW, policy=Policy.RATIO, max_ratio=Decimal("0.8"))
