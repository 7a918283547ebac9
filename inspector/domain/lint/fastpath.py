"""Fast-path guards: one cheap pass that proves a typical message clean for a whole group of
checks, so that the group's small rule functions run only when something looks off.

A guard must be conservative: True only when none of the guarded checks could report
anything *or change the session's state*. Each call type gets one list of checks per
combination of guard answers (:func:`plans_for`), in the order the checks run without
guards, except that the ``envelope`` group runs first. Checks that can report nothing under
the configuration (:func:`idle`) are left out altogether.
``tests/domain/lint/test_fastpath.py`` runs every corpus with and without all of this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspector.domain.lint import proptypes, rules_semantic, session, shapes
from inspector.domain.lint.context import CALL_TYPES, Ctx
from inspector.domain.lint.fused import fuse
from inspector.domain.lint.registry import Check, CheckFn
from inspector.domain.lint.rules_envelope import _PLACEHOLDERS, _TOP_KEYS
from inspector.domain.lint.values import ISO_RE, iso_status

Guard = Callable[[dict[str, Any], Ctx], bool]
# per call type: each guard's bit by name, and the checks to run for each set of failed
# guards' bits (:mod:`~inspector.domain.lint.guards` asks the guards in one pass)
Plan = tuple[dict[str, int], dict[int, list[CheckFn]]]

_TYPES = frozenset(CALL_TYPES)
_PHONEISH = frozenset("+(0123456789")
_TOP_KEYS_PAGE = _TOP_KEYS - {"name"}
_UTC_FIELDS = ("timestamp", "originalTimestamp", "sentAt")


def _id_fine(v: Any) -> bool:
    """A string id neither blank, padded nor a placeholder (E020, W019 on it say nothing)."""
    if type(v) is not str or not v or v[0].isspace() or v[-1].isspace():
        return False
    if len(v) > 20:  # (placeholder(v), knowing that v.strip() is v)
        return v.strip("0-") != ""
    s = v.lower().strip("'\"")
    return not (s == "" or s in _PLACEHOLDERS or s.strip("0-") == "")


# the answer per id string (a user's ids come with event after event), bounded: the
# combined guards keep only ids of up to 20 characters here (~100 bytes an entry)
_UID_OK: dict[str, bool] = {}
_AID_OK: dict[str, bool] = {}
_IDS_MAX = 1 << 15


def _uid_fine(v: str) -> bool:
    ok = _UID_OK.get(v)
    if ok is None:
        ok = _id_fine(v) and "@" not in v and v[0] not in _PHONEISH
        if len(_UID_OK) >= _IDS_MAX:
            _UID_OK.clear()
        _UID_OK[v] = ok
    return ok


def _aid_fine(v: str) -> bool:
    ok = _AID_OK.get(v)
    if ok is None:
        ok = _id_fine(v)
        if len(_AID_OK) >= _IDS_MAX:
            _AID_OK.clear()
        _AID_OK[v] = ok
    return ok


def envelope(m: dict[str, Any], x: Ctx) -> bool:
    """Types, ids, required fields, object-typed fields, messageId, top-level traits."""
    if x.original is not None:
        return False
    t = m.get("type")
    if t not in _TYPES:
        return False
    mid = m.get("messageId")
    if type(mid) is not str or not 0 < len(mid) <= 100:
        return False
    uid = m.get("userId")
    aid = m.get("anonymousId")
    if uid is None:
        if aid is None:
            return False
    elif type(uid) is not str or not (_UID_OK.get(uid) or _uid_fine(uid)):
        return False
    if aid is not None and (type(aid) is not str or not (_AID_OK.get(aid) or _aid_fine(aid))):
        return False
    if t == "track":
        e = m.get("event")
        if type(e) is not str or not e or e[0].isspace() or e[-1].isspace():
            return False
    elif t == "group":
        g = m.get("groupId")
        if not _id_fine(g) or len(g) > 500:  # type: ignore[arg-type]
            return False
    elif t == "alias" and (uid is None or not _id_fine(m.get("previousId"))):
        return False  # (E007 needs both; E004, E020, W019 look at previousId too)
    if (t != "group" and "groupId" in m) or (t != "alias" and "previousId" in m):
        return False
    p, tr = m.get("properties"), m.get("traits")
    if (p is not None and type(p) is not dict) or (tr is not None and type(tr) is not dict):
        return False
    c, i = m.get("context"), m.get("integrations")
    if (c is not None and type(c) is not dict) or (i is not None and type(i) is not dict):
        return False
    if t == "track" and c is not None and c.get("groupId") == "":
        return False
    return (_TOP_KEYS_PAGE if t == "page" or t == "screen" else _TOP_KEYS).isdisjoint(m)


def quiet_context(m: dict[str, Any], x: Ctx) -> bool:
    """No context.traits, no context.groupId, not an identify or group call: the B2B
    detector, the email trait and the context-traits checks have nothing to look at."""
    t = m.get("type")
    if t == "identify" or t == "group":
        return False
    c = m.get("context")
    return type(c) is not dict or ("traits" not in c and not c.get("groupId"))


def times(m: dict[str, Any], x: Ctx) -> bool:
    """timestamp, originalTimestamp and sentAt (where present) are UTC date-times of the
    usual shape, none in the future, sentAt not before the event nor too long before its
    arrival; receivedAt (if any) is a date-time: nothing for E012/W005/W006/W007."""
    for f in _UTC_FIELDS:
        v = m.get(f)
        if v is None:
            continue
        if type(v) is not str or len(v) < 20 or v[-1] != "Z" or v[19] not in ".Z":
            return False
        if v[:19] > x.future_iso or ISO_RE.fullmatch(v) is None:
            return False
    r = m.get("receivedAt")
    if r is not None and iso_status(r) != "ok":
        return False
    sent = m.get("sentAt")
    if sent is None:
        return True
    ev = m.get("originalTimestamp") or m.get("timestamp")  # as clock_skew's fast path
    return (
        type(ev) is str
        and len(ev) == len(sent)
        and len(ev) >= 20
        and ev[-1] == "Z"
        and ev[19] in ".Z"
        and ev <= sent
        and (not x.received or sent[:19] >= x.past_iso)
    )


GUARDS: dict[str, Guard] = {"envelope": envelope, "quiet_context": quiet_context, "times": times}
FIRST = "envelope"  # its group runs before every other check


def fast_form(fn: CheckFn, enabled: set[str]) -> CheckFn:
    """The faster form of a check the fast path runs (same findings, same state)."""
    if fn is rules_semantic.semantic:
        return shapes.semantic if "W025" in enabled else shapes.semantic_no_keys
    if fn is proptypes.property_types:
        return proptypes.property_types_later
    return fn


def idle(fn: CheckFn, cfg: Any) -> bool:
    """The check can report nothing (nor keep state) under this configuration."""
    return fn is session.dominant_event_case and cfg.event_case != "auto"


# plans_for's answers, per (call type, active checks, fast path, enabled rules, the fusing
# function): an engine is made per session and per linter reset, and working the plans out
# (eight masks a call type, each fused) cost ~2.5 ms, ~0.6 µs an event of a 4,000-event step
_PLANS: dict[tuple[Any, ...], Plan] = {}
_PLANS_MAX = 256


def plans_for(t: str, active: list[Check], fast_path: bool, enabled: set[str]) -> Plan:
    """The checks for call type ``t`` (``active``: the checks of ``enabled`` rules, in
    order): the guards' bits and the plan of each mask, fresh lists the caller may change."""
    key = (t, tuple(active), fast_path, frozenset(enabled), fuse)
    found = _PLANS.get(key)
    if found is None:
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        found = _PLANS[key] = _plans_for(t, active, fast_path, enabled)
    bits, plans = found
    return dict(bits), {mask: list(fns) for mask, fns in plans.items()}


def _plans_for(t: str, active: list[Check], fast_path: bool, enabled: set[str]) -> Plan:
    mine = [c for c in active if c.types is None or t in c.types]
    if not fast_path:
        return {}, {0: [c.fn for c in mine]}
    names = list(dict.fromkeys(c.guard for c in mine if c.guard is not None))
    names.sort(key=lambda g: g != FIRST)
    bits = {g: 1 << i for i, g in enumerate(names)}
    plans: dict[int, list[CheckFn]] = {}
    for mask in range(1 << len(names)):
        runs = [c for c in mine if c.guard is None or bits[c.guard] & mask]
        runs.sort(key=lambda c: c.guard != FIRST)  # stable: the rest keep their order
        plans[mask] = fuse([fast_form(c.fn, enabled) for c in runs])
    return bits, plans
