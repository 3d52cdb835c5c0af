"""Leader/follower role balancing: one pure decision function.

``balance_decide`` answers "may this registration be admitted now, or does it
go on the waitlist for its role?" from nothing but the balance rules and the
admitted counts. It reads no database and keeps no state, so checkout can call
it while it holds the quota row lock (``services.quotas_reserve``) and tests can
throw arbitrary sequences at it.

The policy (``within_policy``):

* Up to ``grace`` admitted dancers in total the policy does not apply.
* A difference of one is always acceptable: dancers arrive one at a time, so
  without it nobody could ever be admitted after a balanced state.
* ``difference``: ``|leads - follows| <= max_difference``.
* ``ratio``: ``max(leads, follows) <= max_ratio * min(leads, follows)``.

The decision for a single dancer admits them when the counts after admission
are within the policy, or when they join the smaller role (that only ever
improves the balance, which is what unblocks a class that went lopsided during
the grace period). So once the counts are within the policy past the grace
count, no admitted single can take them outside it.

A couple (one leader, one follower) keeps the difference and never worsens the
ratio; with ``couples_together`` it is admitted as a pair, otherwise its two
partners are decided one after the other like singles.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext

from pista.errors import ApplicationError


class DanceRole(StrEnum):
    LEAD = "lead"
    FOLLOW = "follow"
    SWITCH = "switch"  # dances either role; placed where they are needed


class Mode(StrEnum):
    OFF = "off"
    LEAD_FOLLOW = "lead_follow"
    LEAD_FOLLOW_SWITCH = "lead_follow_switch"


class Policy(StrEnum):
    DIFFERENCE = "difference"
    RATIO = "ratio"


class InvalidRole(ApplicationError):
    default_code = "invalid_role"


@dataclass(frozen=True)
class BalanceRules:
    mode: Mode = Mode.OFF
    policy: Policy = Policy.DIFFERENCE
    max_difference: int = 2
    max_ratio: Decimal = Decimal("1.2")
    grace: int = 0
    couples_together: bool = True

    def __post_init__(self) -> None:
        if self.max_difference < 1:
            raise ValueError("max_difference must be at least 1")
        if Decimal(self.max_ratio) < 1:
            raise ValueError("max_ratio must be at least 1")
        if self.grace < 0:
            raise ValueError("grace must not be negative")


@dataclass(frozen=True)
class BalanceDecision:
    """What to do with one registration.

    ``leads``/``follows`` are the dancers to admit (add to the counters);
    ``waitlist`` lists the roles that go on the waitlist instead.
    """

    leads: int
    follows: int
    waitlist: tuple[DanceRole, ...]
    reason: str

    @property
    def admitted(self) -> bool:
        return not self.waitlist

    @property
    def role(self) -> DanceRole | None:
        """The role a single admitted dancer was placed in (switches included)."""
        if self.leads == 1 and self.follows == 0:
            return DanceRole.LEAD
        if self.follows == 1 and self.leads == 0:
            return DanceRole.FOLLOW
        return None


def within_policy(*, rules: BalanceRules, leads: int, follows: int) -> bool:
    """Whether admitted counts satisfy the rules (see the module docstring)."""
    if rules.mode == Mode.OFF or leads + follows <= rules.grace:
        return True
    big, small = max(leads, follows), min(leads, follows)
    if big - small <= 1:
        return True
    if rules.policy == Policy.DIFFERENCE:
        return big - small <= rules.max_difference
    return Decimal(big) <= Decimal(rules.max_ratio) * small


def _single(*, rules: BalanceRules, leads: int, follows: int, role: DanceRole) -> BalanceDecision:
    if role == DanceRole.SWITCH:
        # A switch fills whichever side is short; on a tie, the leads.
        role = DanceRole.FOLLOW if follows < leads else DanceRole.LEAD
    add_lead = 1 if role == DanceRole.LEAD else 0
    after_leads, after_follows = leads + add_lead, follows + (1 - add_lead)
    mine, other = (leads, follows) if role == DanceRole.LEAD else (follows, leads)
    if within_policy(rules=rules, leads=after_leads, follows=after_follows):
        return BalanceDecision(add_lead, 1 - add_lead, (), "within policy")
    if mine < other:
        return BalanceDecision(add_lead, 1 - add_lead, (), "improves the balance")
    limit = (
        f"difference {rules.max_difference}"
        if rules.policy == Policy.DIFFERENCE
        else f"ratio {rules.max_ratio}"
    )
    return BalanceDecision(0, 0, (role,), f"too many {role}s: maximum {limit}")


def balance_decide(
    *,
    rules: BalanceRules,
    leads: int,
    follows: int,
    role: DanceRole | str | None = None,
    couple: bool = False,
) -> BalanceDecision:
    """Decide whether one registration (a single dancer or a couple) is admitted.

    ``leads`` and ``follows`` are the dancers admitted so far. A single gives
    ``role``; a couple gives ``couple=True`` (one leader and one follower).
    Pure: no database, no clock. Raises InvalidRole when the role doesn't fit
    the mode (no role while roles are on, a switch without switch mode).
    """
    if leads < 0 or follows < 0:
        raise ValueError("counts must not be negative")
    if rules.mode == Mode.OFF:
        return BalanceDecision(0, 0, (), "roles are off")
    if couple:
        if rules.couples_together:
            return BalanceDecision(1, 1, (), "couples are admitted together")
        first = _single(rules=rules, leads=leads, follows=follows, role=DanceRole.LEAD)
        second = _single(
            rules=rules, leads=leads + first.leads, follows=follows, role=DanceRole.FOLLOW
        )
        return BalanceDecision(
            first.leads + second.leads,
            first.follows + second.follows,
            first.waitlist + second.waitlist,
            f"leader: {first.reason}; follower: {second.reason}",
        )
    if role is None or role == "":
        raise InvalidRole(gettext("Choose a role: leader or follower."))
    try:
        dance_role = DanceRole(role)
    except ValueError as exc:
        raise InvalidRole(gettext("Unknown role %(role)r.") % {"role": role}) from exc
    if dance_role == DanceRole.SWITCH and rules.mode != Mode.LEAD_FOLLOW_SWITCH:
        raise InvalidRole(gettext("This class has no switch role: choose leader or follower."))
    return _single(rules=rules, leads=leads, follows=follows, role=dance_role)
