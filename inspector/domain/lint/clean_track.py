"""A track call in one pass: the guards, then the checks of a plan where every guard holds,
reading each field of the message once (the commonest message, under the configurations
whose plan is ``context_fields`` + a fused track run + the fused track bookkeeping).

:func:`whole_track` gives the engine a function in the place of the mask: it answers -1
when it linted the message itself, else the mask for the engine to run the plan of, having
changed nothing (a message it is not sure of goes to the combined guards:
:mod:`~inspector.domain.lint.guards`). ``tests/domain/lint/test_fused.py`` compares it
with the engine before fusing, finding by finding and state after each event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orjson import dumps

from inspector.domain.lint import session
from inspector.domain.lint.context import Ctx
from inspector.domain.lint.fused import (
    PENDING_MAX,
    TRACK_BODIES,
    bookkeeping_track,
    count_shape,
    residual,
)
from inspector.domain.lint.guards import Head, Masker, ids_clean, times_clean
from inspector.domain.lint.registry import CheckFn
from inspector.domain.lint.rules_context import _SEEN as _CONTEXTS
from inspector.domain.lint.rules_context import context_fields

Out = list[tuple[str, str, str | None]]
Whole = Callable[[dict[str, Any], Ctx, Head | None, Out], int]


def known_context(c: dict[str, Any], last: list[Any], m: dict[str, Any], x: Ctx, out: Out) -> None:
    """``context_fields`` of a non-empty context ``c``: its answer kept per context as JSON
    (``_CONTEXTS``) where there is one, the previous context's again without hashing its
    JSON (``last``: that JSON and its findings, one list per one-pass function), else the
    check itself."""
    try:
        as_json = dumps(c)
    except TypeError:
        seen = None
    else:
        if as_json == last[0]:
            seen = last[1]
        else:
            seen = _CONTEXTS.get(as_json)
            if seen is not None:
                last[0], last[1] = as_json, seen
    if seen is None:
        context_fields(m, x, out)
    elif seen:
        out.extend(seen)


def whole_track(mask: Masker, track_shape: CheckFn) -> Whole:
    """The plan ``[context_fields, track_shape, bookkeeping_track]`` of a track call whose
    guards all hold, in one function; ``mask``: the combined guards (for anything else)."""
    keys_rule, revenue = TRACK_BODIES[track_shape]
    remember = session.remember_message_id
    user_ids = session.near_identical_user_ids
    collisions = session.event_name_collisions
    fallback = bookkeeping_track
    # the last context answered from context_fields' memo: its JSON and its findings
    last: list[Any] = [b"", ()]

    def run(m: dict[str, Any], x: Ctx, hd: Head | None, out: Out) -> int:
        # -- the guards (any doubt: the combined guards answer, nothing was changed)
        if hd is None or not hd[3] or m.get("type") != "track":
            return mask(m, x, hd, out)
        c = m.get("context")
        if c is not None and (type(c) is not dict or "traits" in c or c.get("groupId") is not None):
            return mask(m, x, hd, out)
        if not times_clean(m, x):
            return mask(m, x, hd, out)
        mid = m.get("messageId")
        if type(mid) is not str or not 0 < len(mid) <= 100:
            return mask(m, x, hd, out)
        uid = m.get("userId")
        aid = m.get("anonymousId")
        if not ids_clean(uid, aid):
            return mask(m, x, hd, out)
        name = m.get("event")
        if type(name) is not str or not name or name[0].isspace() or name[-1].isspace():
            return mask(m, x, hd, out)
        props = m.get("properties")
        if props is not None and type(props) is not dict:
            return mask(m, x, hd, out)
        p = m.get("traits")
        if p is not None and type(p) is not dict:
            return mask(m, x, hd, out)
        p = m.get("integrations")
        if p is not None and type(p) is not dict:
            return mask(m, x, hd, out)
        # -- every guard holds: context_fields, the track run, then the bookkeeping
        if c:
            known_context(c, last, m, x, out)
        # the track run: a shape of the memo in place, anything else by the run itself
        e = None
        if props:
            keys = tuple(props)
            vals = tuple(props.values())
            types = tuple(map(type, vals))
            e = x.shapes.get((name, keys, types))
            if e is not None and e.spec is x.cat.events.get(name):
                if e.before:
                    out.extend(e.before)
                if e.spec is not None or e.products or (revenue and e.rev):
                    residual(e, name, props, vals, m, x, out, keys_rule, revenue)
            else:
                e = None
                track_shape(m, x, out)
        else:
            track_shape(m, x, out)
        ev = x.event
        if ev is not None and ev.generated_message_id:
            fallback(m, x, out)
            return -1
        st = x.state
        # message_id_reuse (no top-level name, groupId or previousId: hd[3] says so)
        fp = hash(
            (
                "track",
                name,
                None,
                uid,
                aid,
                None,
                None,
                m.get("timestamp") or m.get("originalTimestamp"),
            )
        )
        remember(mid, fp, m, x, out)
        # near_identical_user_ids
        if uid and uid not in st.user_ids:
            user_ids(m, x, out)
        # property_types_later
        if props:
            if e is not None:
                if e.counters is not None:
                    if not e.n:
                        later = st.pending_shapes
                        if len(later) >= PENDING_MAX:
                            st.flush()
                        later.append(e)
                    e.n += 1
                else:
                    _count_shape(m, x, out, e, name, keys, types)
            else:
                count_shape(m, x, out, name, props, x.shape)
        # event_name_collisions
        others = st.names.get(name)
        if others is None or others:
            collisions(m, x, out)
        # event_not_on_platform
        platform = ev.source.library if ev is not None else None
        if platform:
            st.platform_events[platform] += 1
            seen = st.seen_on.get(name)
            if seen is None:
                if len(st.seen_on) > 5000:
                    return -1
                seen = st.seen_on[name] = {}
            seen[platform] = n = seen.get(platform, 0) + 1
            if n >= session.EVENT_MIN_COUNT and 2 <= len(st.platform_events) > len(seen):
                session.platforms_missing(st, name, platform, n, seen, out)
        return -1

    return run


def _count_shape(
    m: dict[str, Any],
    x: Ctx,
    out: Out,
    e: Any,
    name: str,
    keys: tuple[str, ...],
    types: tuple[type, ...],
) -> None:
    """property_types_later for a memo entry not yet known clean."""
    from inspector.domain.lint.proptypes import property_types_later

    st = x.state
    sig = (name, keys, types)
    if sig in st.clean_sigs:
        e.counters = st.clean_sigs[sig]
        pending = st.pending
        pending[sig] = pending.get(sig, 0) + 1
    else:
        property_types_later(m, x, out)
        e.counters = st.clean_sigs.get(sig)


def whole_for(t: str, mask: Masker, fns: list[CheckFn]) -> Whole | None:
    """The one-pass function for call type ``t`` whose plan with every guard holding is
    ``fns``, or None (another plan: the engine runs it check by check)."""
    from inspector.domain.lint.fused import FUSED

    if t != "track" or len(fns) != 3:
        return None
    bodies = [body for _, body in FUSED]
    if fns[0] is context_fields and fns[1] in bodies and fns[2] is bookkeeping_track:
        return whole_track(mask, fns[1])
    return None
