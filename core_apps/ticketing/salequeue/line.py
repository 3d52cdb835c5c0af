"""The line itself, in Redis: places, admissions and pass uses. No database.

One hash per queued event holds its settings (written from the database by
``sync.sale_queue_sync``, never older over newer: ``version``) and the line's
state: ``tail`` (the last place given), ``admitted`` (places admitted so far,
a real number) and ``last`` (when it was advanced). Each script advances the
line first: ``admitted`` grows by ``rate`` per minute since ``last`` (from
``opens`` on) and never past ``tail``, so a line that ran empty does not bank
admissions for a later rush. Time is Redis's own clock (``TIME``): every web
process agrees on it.

Keys carry the cache's prefix, the community's schema and the event id; the
line's ``epoch`` (a random id given each time a line starts, and again when
Redis lost it) is in every visitor's ticket, so a line that restarted never
mistakes an old ticket for a new place.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError

# A place admitted keeps the time it was first told so (its admission window
# starts then) for this long; a pass use is remembered until its pass expires.
SEEN_TTL_S = 2 * 86400
# The settings of a line turned off are kept this long (for late visitors).
OFF_TTL_S = 7 * 86400


class LineUnavailable(Exception):
    """Redis is not configured or does not answer: the line cannot be read."""


@dataclass(frozen=True)
class LineSettings:
    """What the line needs of the database's settings (``SaleQueue``)."""

    version: int
    generation: int
    enabled: bool
    rate_per_minute: int
    window_s: int
    opens_at: float  # Unix time; 0 for "at once"


@dataclass(frozen=True)
class LineStatus:
    """One place in the line, as Redis sees it now.

    ``state``: ``waiting``, ``admitted``, ``expired`` (admitted, window over),
    ``used`` (admitted, its pass in use or used for an order), ``off`` (the
    queue was turned off), ``reset`` (the ticket is of a line that restarted)
    or ``missing`` (Redis holds no settings for this event). ``sold_out``
    (told to waiting places): the event had nothing left to sell when a
    checkout last asked the database, and no place has come back since.
    """

    state: str
    epoch: str = ""
    position: int = 0
    admitted_through: int = 0
    rate_per_minute: int = 0
    opens_at: float = 0.0
    now: float = 0.0
    window_s: int = 0
    admitted_at: float = 0.0
    sold_out: bool = False

    @property
    def ahead(self) -> int:
        """Places in front of this one still waiting."""
        return max(0, self.position - self.admitted_through - 1)

    @property
    def wait_s(self) -> int:
        """Seconds until this place is admitted, at the line's rate."""
        if self.state != "waiting" or not self.rate_per_minute:
            return 0
        start = max(0.0, self.opens_at - self.now)
        return round(start + (self.position - self.admitted_through) * 60 / self.rate_per_minute)

    @property
    def expires_at(self) -> float:
        """When an admitted place's window to check out ends."""
        return self.admitted_at + self.window_s


_TICK = """
local function now_s()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function tick(q, now)
  local f = redis.call('HMGET', q, 'enabled', 'rate', 'window', 'opens', 'epoch',
                       'tail', 'admitted', 'last')
  if not f[1] or not f[5] then return nil end
  local s = {enabled = f[1], rate = tonumber(f[2]), window = tonumber(f[3]),
             opens = tonumber(f[4]), epoch = f[5], tail = tonumber(f[6]) or 0,
             admitted = tonumber(f[7]) or 0, last = tonumber(f[8]) or now}
  if s.enabled == '1' then
    local from = math.max(s.last, s.opens)
    if now > from then
      s.admitted = math.min(s.tail, s.admitted + (now - from) * s.rate / 60)
    end
    redis.call('HSET', q, 'admitted', tostring(s.admitted), 'last', tostring(now))
  end
  return s
end
local function fields(s, now)
  return {s.epoch, tostring(math.floor(s.admitted)), tostring(s.rate), tostring(s.opens),
          tostring(now), tostring(s.window)}
end
"""

# KEYS: line hash, the schema's set of queued events. ARGV: version,
# generation, enabled, rate, window, opens, a fresh epoch, event id, off TTL.
_CONFIGURE = """
local q = KEYS[1]
local current = tonumber(redis.call('HGET', q, 'version') or '-1')
if tonumber(ARGV[1]) > current then
  local t = redis.call('TIME')
  local source = redis.call('HGET', q, 'generation')
  redis.call('HSET', q, 'version', ARGV[1], 'generation', ARGV[2], 'enabled', ARGV[3],
             'rate', ARGV[4], 'window', ARGV[5], 'opens', ARGV[6])
  if source ~= ARGV[2] or not redis.call('HGET', q, 'epoch') then
    redis.call('HSET', q, 'epoch', ARGV[7], 'tail', 0, 'admitted', 0, 'last', t[1])
  end
end
if redis.call('HGET', q, 'enabled') == '1' then
  redis.call('PERSIST', q)
  redis.call('SADD', KEYS[2], ARGV[8])
else
  redis.call('EXPIRE', q, ARGV[9])
  redis.call('SREM', KEYS[2], ARGV[8])
end
return redis.call('HGET', q, 'epoch')
"""

# KEYS: line hash, the event's sold-out mark. Returns {'joined', epoch,
# admitted, rate, opens, now, window, place, sold out}.
_JOIN = (
    _TICK
    + """
local now = now_s()
local s = tick(KEYS[1], now)
if not s then return {'missing'} end
if s.enabled ~= '1' then return {'off'} end
local r = fields(s, now)
table.insert(r, 1, 'joined')
table.insert(r, tostring(redis.call('HINCRBY', KEYS[1], 'tail', 1)))
table.insert(r, tostring(redis.call('EXISTS', KEYS[2])))
return r
"""
)

# KEYS: line hash, the epoch's hash of admission times, the place's pass-use
# key, the event's sold-out mark. ARGV: epoch, place, TTL. Returns {state,
# epoch, admitted, rate, opens, now, window, admitted_at} and, waiting, sold
# out; state ``used`` once its pass is in use or used.
_STATUS = (
    _TICK
    + """
local now = now_s()
local s = tick(KEYS[1], now)
if not s then return {'missing'} end
if s.enabled ~= '1' then return {'off'} end
local place = tonumber(ARGV[2])
if s.epoch ~= ARGV[1] or place > s.tail then return {'reset'} end
local r = fields(s, now)
if now >= s.opens and place <= s.admitted then
  redis.call('HSETNX', KEYS[2], ARGV[2], tostring(now))
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  if redis.call('EXISTS', KEYS[3]) == 1 then
    table.insert(r, 1, 'used')
  else
    table.insert(r, 1, 'admitted')
  end
  table.insert(r, redis.call('HGET', KEYS[2], ARGV[2]))
else
  table.insert(r, 1, 'waiting')
  table.insert(r, '0')
  table.insert(r, tostring(redis.call('EXISTS', KEYS[4])))
end
return r
"""
)

_scripts: dict[int, dict[str, Any]] = {}


def _redis() -> Any:
    """The cache's Redis client. Raises LineUnavailable without one."""
    if not settings.REDIS_URL:
        raise LineUnavailable("no Redis configured")
    from django_redis import get_redis_connection

    try:
        return get_redis_connection("default")
    except NotImplementedError as exc:  # the cache is not Redis
        raise LineUnavailable("the cache is not Redis") from exc


def _script(client: Any, name: str) -> Any:
    """A registered script (EVALSHA, loaded on first use) per client."""
    per_client = _scripts.setdefault(id(client), {})
    if name not in per_client:
        body = {"configure": _CONFIGURE, "join": _JOIN, "status": _STATUS}[name]
        per_client[name] = client.register_script(body)
    return per_client[name]


def _key(schema: str, *parts: object) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX") or "pista"
    return ":".join([str(prefix), "salequeue", schema, *(str(p) for p in parts)])


def line_key(schema: str, event_id: int) -> str:
    return _key(schema, event_id, "line")


def _queued_key(schema: str) -> str:
    return _key(schema, "queued")


def _used_key(schema: str, event_id: int, epoch: str, position: int) -> str:
    return _key(schema, event_id, epoch, "used", position)


def _sold_out_key(schema: str, event_id: int) -> str:
    return _key(schema, event_id, "sold-out")


def _run(name: str, keys: list[str], args: list[object]) -> Any:
    client = _redis()
    try:
        return _script(client, name)(keys=keys, args=args)
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc


def line_available() -> bool:
    """Whether Redis answers (the queue can be turned on)."""
    try:
        client = _redis()
        return bool(client.ping())
    except (LineUnavailable, RedisError):
        return False


def line_configure(*, schema: str, event_id: int, line: LineSettings) -> str:
    """Write the settings of an event's line unless Redis holds newer ones;
    a new ``generation`` (the queue turned on again) or a line Redis lost
    starts an empty line under a new epoch. Returns the line's epoch. Raises
    LineUnavailable."""
    epoch = _run(
        "configure",
        [line_key(schema, event_id), _queued_key(schema)],
        [
            line.version,
            line.generation,
            "1" if line.enabled else "0",
            line.rate_per_minute,
            line.window_s,
            repr(float(line.opens_at)),
            secrets.token_hex(6),
            event_id,
            OFF_TTL_S,
        ],
    )
    return epoch.decode() if isinstance(epoch, bytes) else str(epoch)


# A member of every whole set of queued events (event ids start at 1): a set
# that Redis lost, even in part, lacks it and is rebuilt.
_WHOLE = 0


def queued_events(*, schema: str) -> set[int] | None:
    """The ids of the community's events whose queue is on, or None when
    Redis does not hold that whole list (``queued_events_mark_whole`` after
    rebuilding it). Raises LineUnavailable."""
    client = _redis()
    try:
        members = {int(m) for m in client.smembers(_queued_key(schema))}
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc
    if _WHOLE not in members:
        return None
    return members - {_WHOLE}


def queued_events_mark_whole(*, schema: str) -> None:
    """Record that every queue of ``schema`` was configured (the list is whole)."""
    client = _redis()
    try:
        client.sadd(_queued_key(schema), _WHOLE)
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc


def _status(raw: list[Any], *, position: int = 0) -> LineStatus:
    values = [v.decode() if isinstance(v, bytes) else str(v) for v in raw]
    state = values[0]
    if len(values) < 7:
        return LineStatus(state=state)
    epoch, admitted, rate, opens, now, window = values[1:7]
    admitted_at = float(values[7]) if state in {"admitted", "used"} else 0.0
    if state == "joined":
        position, state = int(values[7]), "waiting"
    sold_out = state == "waiting" and len(values) > 8 and values[8] == "1"
    status = LineStatus(
        state=state,
        epoch=epoch,
        position=position,
        admitted_through=int(float(admitted)),
        rate_per_minute=int(float(rate)),
        opens_at=float(opens),
        now=float(now),
        window_s=int(float(window)),
        admitted_at=admitted_at,
        sold_out=sold_out,
    )
    if state == "admitted" and status.now > status.expires_at:
        return replace(status, state="expired")
    return status


def line_join(*, schema: str, event_id: int) -> LineStatus:
    """Give the next place in the event's line (state ``waiting``; or ``off``
    / ``missing``). Raises LineUnavailable."""
    return _status(_run("join", [line_key(schema, event_id), _sold_out_key(schema, event_id)], []))


def line_status(*, schema: str, event_id: int, epoch: str, position: int) -> LineStatus:
    """Where place ``position`` of line ``epoch`` stands now; the first time
    it is found admitted starts its window. Raises LineUnavailable."""
    raw = _run(
        "status",
        [
            line_key(schema, event_id),
            _key(schema, event_id, epoch, "seen"),
            _used_key(schema, event_id, epoch, position),
            _sold_out_key(schema, event_id),
        ],
        [epoch, position, SEEN_TTL_S],
    )
    return _status(raw, position=position)


def line_sold_out_set(*, schema: str, event_ids: Iterable[int], sold_out: bool) -> None:
    """Mark the lines of ``event_ids`` sold out (kept ``SEEN_TTL_S``), or
    clear the mark. Raises LineUnavailable."""
    keys = [_sold_out_key(schema, event_id) for event_id in set(event_ids)]
    if not keys:
        return
    client = _redis()
    try:
        if sold_out:
            with client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.set(key, "1", ex=SEEN_TTL_S)
                pipe.execute()
        else:
            client.delete(*keys)
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc


def pass_claim(*, schema: str, event_id: int, epoch: str, position: int, ttl_s: int) -> bool:
    """Take a pass for one checkout: False when it is in use or used.
    Raises LineUnavailable."""
    client = _redis()
    try:
        return bool(
            client.set(
                _used_key(schema, event_id, epoch, position), "pending", nx=True, ex=max(1, ttl_s)
            )
        )
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc


def pass_settle(
    *, schema: str, event_id: int, epoch: str, position: int, used: bool, ttl_s: int
) -> None:
    """End a claim: the pass is used for good (``used``), or free again.
    Raises LineUnavailable (a claim left behind expires with its pass)."""
    client = _redis()
    key = _used_key(schema, event_id, epoch, position)
    try:
        if used:
            client.set(key, "used", ex=max(1, ttl_s))
        else:
            client.delete(key)
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc


def pass_used(*, schema: str, event_id: int, epoch: str, position: int) -> bool:
    """Whether a pass is in use or used. Raises LineUnavailable."""
    client = _redis()
    try:
        return bool(client.exists(_used_key(schema, event_id, epoch, position)))
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc


def line_counts(*, schema: str, event_id: int) -> tuple[int, int] | None:
    """(places given, places admitted) in the event's current line, as last
    advanced; None when Redis holds no line for it. Raises LineUnavailable."""
    client = _redis()
    try:
        tail, admitted, enabled = client.hmget(
            line_key(schema, event_id), "tail", "admitted", "enabled"
        )
    except RedisError as exc:
        raise LineUnavailable(str(exc)) from exc
    if enabled is None:
        return None
    return int(tail or 0), int(float(admitted or 0))
