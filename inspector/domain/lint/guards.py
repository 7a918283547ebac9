"""The fast path's guards asked in one pass: the mask of failed guards for a message.

:func:`masker` builds, for the guards a call type's plan uses, one function that answers
exactly as asking each guard of :mod:`~inspector.domain.lint.fastpath` in turn
(``tests/domain/lint/test_guards.py`` compares them), reading each field of the message
once. What depends only on the message's top-level keys (the keys the envelope folds, the
fields that may not be there) is worked out once per key set (:func:`head`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspector.domain.lint.context import CALL_TYPES, Ctx
from inspector.domain.lint.fastpath import (
    _AID_OK,
    _PHONEISH,
    _UID_OK,
    _aid_fine,
    _id_fine,
    _uid_fine,
)
from inspector.domain.lint.rules_envelope import _TOP_KEYS, _variants
from inspector.domain.lint.values import ISO_SECONDS_RE, ISO_UTC_TAIL_RE, iso_status

# per set of top-level keys: (the variants fold_envelope folds, envelope's key conditions
# hold for a group call, for a page or screen call, for any other call, for an alias call)
Head = tuple[tuple[tuple[str, str], ...], bool, bool, bool, bool]
# (message, context, its head, the findings: unused here, the one-pass forms append to it)
Masker = Callable[[dict[str, Any], Ctx, Head | None, list[Any]], int]

_TYPES = frozenset(CALL_TYPES)
_TOP_KEYS_PAGE = _TOP_KEYS - {"name"}
HEADS: dict[tuple[str, ...], Head] = {}
HEADS_MAX = 4096


def head(keys: tuple[str, ...]) -> Head:
    """What a message's top-level keys (in order) decide, cached per key set."""
    found = HEADS.get(keys)
    if found is None:
        ks = frozenset(keys)
        no_prev = "previousId" not in ks
        no_group = "groupId" not in ks
        found = (
            _variants(keys),
            no_prev and _TOP_KEYS.isdisjoint(ks),
            no_prev and no_group and _TOP_KEYS_PAGE.isdisjoint(ks),
            no_prev and no_group and _TOP_KEYS.isdisjoint(ks),
            no_group and _TOP_KEYS.isdisjoint(ks),
        )
        if len(HEADS) >= HEADS_MAX:
            HEADS.clear()
        HEADS[keys] = found
    return found


_SECONDS_OK: dict[str, bool] = {}  # "YYYY-MM-DDTHH:MM:SS" -> ISO_SECONDS_RE matches it
_TAILS_OK: dict[str, bool] = {}  # ".522Z" -> ISO_UTC_TAIL_RE matches it
_TIMES_MAX = 4096


def utc(v: Any, future_iso: str) -> bool:
    """The times guard on one of timestamp, originalTimestamp, sentAt (not None): a UTC
    date-time of the usual shape, not after ``future_iso``. ISO_RE answered per value's
    second and per fraction (events of one burst share their seconds)."""
    if type(v) is not str or len(v) < 20 or v[-1] != "Z":
        return False
    p = v[:19]
    if p > future_iso:
        return False
    ok = _SECONDS_OK.get(p)
    if ok is None:
        ok = ISO_SECONDS_RE.fullmatch(p) is not None
        if len(_SECONDS_OK) >= _TIMES_MAX:
            _SECONDS_OK.clear()
        _SECONDS_OK[p] = ok
    if not ok:
        return False
    tail = v[19:]  # (matching the tail's pattern implies v[19] in ".Z")
    ok = _TAILS_OK.get(tail)
    if ok is None:
        ok = ISO_UTC_TAIL_RE.fullmatch(tail) is not None
        if len(_TAILS_OK) >= _TIMES_MAX:
            _TAILS_OK.clear()
        _TAILS_OK[tail] = ok
    return ok


def times_clean(m: dict[str, Any], x: Ctx) -> bool:
    """The times guard, whole: timestamp, originalTimestamp and sentAt (where present) pass
    :func:`utc`, receivedAt (if any) is a date-time, and sentAt is neither before the event
    nor too long before its arrival."""
    fut = x.future_iso
    sent = m.get("sentAt")
    ts = m.get("timestamp")
    ot = m.get("originalTimestamp")
    r = m.get("receivedAt")
    if (
        (ts is not None and not utc(ts, fut))
        or (ot is not None and not utc(ot, fut))
        or (sent is not None and not utc(sent, fut))
        or (r is not None and iso_status(r) != "ok")
    ):
        return False
    if sent is None:
        return True
    ev = ot or ts
    return (
        type(ev) is str
        and len(ev) == len(sent)
        and len(ev) >= 20
        and ev[-1] == "Z"
        and ev[19] in ".Z"
        and ev <= sent
        and (not x.received or sent[:19] >= x.past_iso)
    )


def ids_clean(uid: Any, aid: Any) -> bool:
    """The envelope guard's userId and anonymousId part: at least one of them, each a string
    that no id rule would flag. An id over 20 characters is no placeholder unless all "0"
    and "-": asked here; the shorter ones by their answer kept per id. (The combined guards
    and the one-pass functions for clean calls all ask this.)"""
    if uid is None:
        if aid is None:
            return False
    elif type(uid) is not str:
        return False
    elif len(uid) > 20:
        if (
            uid[0].isspace()
            or uid[-1].isspace()
            or "@" in uid
            or uid[0] in _PHONEISH
            or not uid.strip("0-")
        ):
            return False
    elif not (_UID_OK.get(uid) or _uid_fine(uid)):
        return False
    if aid is not None:
        if type(aid) is not str:
            return False
        if len(aid) > 20:
            if aid[0].isspace() or aid[-1].isspace() or not aid.strip("0-"):
                return False
        elif not (_AID_OK.get(aid) or _aid_fine(aid)):
            return False
    return True


def masker(bits: dict[str, int]) -> Masker:
    """The mask of the guards in ``bits`` (name -> bit) that fail for a message, as the
    guards ``envelope``, ``quiet_context`` and ``times`` answer. ``hd``: the message's
    :func:`head`, None when the message had another form before normalisation
    (``x.original`` set: the envelope guard fails)."""
    eb = bits.get("envelope", 0)
    qb = bits.get("quiet_context", 0)
    tb = bits.get("times", 0)
    unknown = set(bits) - {"envelope", "quiet_context", "times"}
    if unknown:
        raise ValueError(f"no combined form for guards {sorted(unknown)}")

    def mask(m: dict[str, Any], x: Ctx, hd: Head | None, out: list[Any]) -> int:
        found = 0
        t = m.get("type")
        c = m.get("context")
        if tb and not times_clean(m, x):  # -- times
            found = tb
        if qb and (
            t == "identify"
            or t == "group"
            or (type(c) is dict and ("traits" in c or bool(c.get("groupId"))))
        ):
            found |= qb
        if not eb:
            return found
        # -- envelope: a failed condition returns at once
        if hd is None or t not in _TYPES:
            return found | eb
        mid = m.get("messageId")
        if type(mid) is not str or not 0 < len(mid) <= 100:
            return found | eb
        uid = m.get("userId")
        aid = m.get("anonymousId")
        if not ids_clean(uid, aid):
            return found | eb
        if t == "track":
            e = m.get("event")
            if type(e) is not str or not e or e[0].isspace() or e[-1].isspace():
                return found | eb
            if not hd[3] or (type(c) is dict and c.get("groupId") == ""):
                return found | eb
        elif t == "group":
            g = m.get("groupId")
            if not _id_fine(g) or len(g) > 500 or not hd[1]:  # type: ignore[arg-type]
                return found | eb
        elif t == "alias":
            if uid is None or not _id_fine(m.get("previousId")) or not hd[4]:
                return found | eb
        elif not (hd[2] if t == "page" or t == "screen" else hd[3]):
            return found | eb
        p = m.get("properties")
        if p is not None and type(p) is not dict:
            return found | eb
        p = m.get("traits")
        if p is not None and type(p) is not dict:
            return found | eb
        p = m.get("integrations")
        if (c is not None and type(c) is not dict) or (p is not None and type(p) is not dict):
            return found | eb
        return found

    return mask
