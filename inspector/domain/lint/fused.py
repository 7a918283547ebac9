"""Fused checks: one function standing for a run of checks that a plan calls one after
the other, doing their shared work once (same findings, in the same order; same state).

:func:`fuse` replaces each run of :data:`FUSED` found in a plan's list of checks; a run
broken by another check (another configuration) is left as it is.

The track-call run (event name, property keys, semantic types, revenue and currency)
looks up what the shape of a message decides, ``(event name, property keys, their value
types)``, in a memo per engine (``Ctx.shapes``). An entry is kept only once the session's
state answers for that shape for good (its key set and its property types are among the
clean shapes, which the state never forgets), so what it holds cannot go stale; what
depends on the values themselves (currency codes, the items of products, W025, video,
B2B) is still checked on every message.
"""

from __future__ import annotations

from typing import Any

from inspector.domain.lint import proptypes, session, shapes
from inspector.domain.lint.context import Ctx
from inspector.domain.lint.registry import CheckFn
from inspector.domain.lint.rules_names import event_name, property_keys
from inspector.domain.lint.rules_payload import revenue_currency
from inspector.domain.lint.rules_semantic import b2b_group, products_shape, semantic_key, video_spec
from inspector.domain.lint.values import CURRENCY_RE, short

Out = list[tuple[str, str, str | None]]
SHAPES_MAX = 20000
PENDING_MAX = 4096  # memo entries with counts not yet added (then added)
_NUMBERS = (type(None), int, float)
# what the types decide of revenue_currency: nothing to check, a currency string to check
# (at its position), or the check to run on each message
_REV_CLEAN, _REV_CURRENCY, _REV_RUN = 0, 1, 2


class TrackShape:
    """What one track shape decides: the constant findings of the name and key checks,
    the spec event and the plan of its typed properties, what revenue_currency needs."""

    __slots__ = (
        "before",
        "counters",
        "currency_at",
        "n",
        "plan",
        "products",
        "rev",
        "spec",
    )

    def __init__(
        self, before: tuple[Any, ...], spec: Any, plan: Any, rev: int, currency_at: int
    ) -> None:
        self.before, self.spec, self.plan = before, spec, plan
        self.rev, self.currency_at = rev, currency_at
        self.products = False  # "products" among the keys
        # the shape's property-type counters once it is a clean shape (the state's
        # clean_sigs[sig], kept for good), and the counts not yet added to them (see
        # SessionState.flush)
        self.counters: list[tuple[list[Any], int]] | None = None
        self.n = 0


def _revenue_mode(keys: tuple[str, ...], types: tuple[type, ...]) -> tuple[int, int]:
    mode, at = _REV_CLEAN, -1
    for i, (k, t) in enumerate(zip(keys, types, strict=True)):
        if k == "revenue" or k == "value":
            if t not in _NUMBERS:
                return _REV_RUN, -1
        elif k == "currency":
            if t is str:
                mode, at = _REV_CURRENCY, i
            elif t is not type(None):
                return _REV_RUN, -1
    return mode, at


_CURRENCY_OK: dict[str, bool] = {}
# the fused track runs: (W025 checked, revenue_currency included)
TRACK_BODIES: dict[CheckFn, tuple[bool, bool]] = {}


def _currency(c: str, out: Out) -> None:
    ok = _CURRENCY_OK.get(c)
    if ok is None:
        ok = CURRENCY_RE.fullmatch(c) is not None
        if len(_CURRENCY_OK) >= 4096:
            _CURRENCY_OK.clear()
        _CURRENCY_OK[c] = ok
    if not ok:  # (revenue_currency's words)
        out.append(
            (
                "W023",
                f"currency {short(c)!r} is not an ISO-4217 code (e.g. USD)",
                "properties.currency",
            )
        )


def _track_shape(semantic: CheckFn, keys_rule: bool, revenue: bool) -> CheckFn:
    """event_name, property_keys, ``semantic`` (a fast form of the semantic check; W025
    checked when ``keys_rule``) and, with ``revenue``, revenue_currency, in that order."""

    def track_shape(m: dict[str, Any], x: Ctx, out: Out) -> None:
        name = m.get("event")
        props = m.get("properties")
        if type(name) is not str or not name or type(props) is not dict or not props:
            event_name(m, x, out)
            property_keys(m, x, out)
            semantic(m, x, out)
            if revenue:
                revenue_currency(m, x, out)
            return
        keys = tuple(props)
        vals = tuple(props.values())
        types = tuple(map(type, vals))
        key = (name, keys, types)
        memo = x.shapes
        e = memo.get(key)
        spec = x.cat.events.get(name)
        if e is None or e.spec is not spec:
            n = len(out)
            event_name(m, x, out)
            property_keys(m, x, out)
            k = len(out)
            semantic(m, x, out)
            if revenue:
                revenue_currency(m, x, out)
            e = _remember(x, key, spec, out[n:k])
            if e is not None:
                memo[key] = e
            return
        x.shape = (props, keys, types, e)
        if e.before:
            out.extend(e.before)
        if e.spec is not None or e.products or (revenue and e.rev):
            residual(e, name, props, vals, m, x, out, keys_rule, revenue)

    TRACK_BODIES[track_shape] = (keys_rule, revenue)
    return track_shape


def residual(
    e: TrackShape,
    name: str,
    props: dict[str, Any],
    vals: tuple[Any, ...],
    m: dict[str, Any],
    x: Ctx,
    out: Out,
    keys_rule: bool,
    revenue: bool,
) -> None:
    """What a track run (W025 with ``keys_rule``, revenue_currency with ``revenue``) checks
    value by value on a shape of the memo (``e``; entries are shared by the runs)."""
    spec = e.spec
    if spec is None:
        if e.products:
            products_shape(props["products"], out)
    else:
        shapes.by_plan(name, spec, e.plan, props, vals, out)
        if keys_rule and spec.keys:
            semantic_key(name, spec, props, out)
        if spec.video:
            video_spec(m, x, name, spec, props, out)
        if spec.b2b:
            b2b_group(m, x, name, out)
    rev = e.rev if revenue else _REV_CLEAN
    if rev == _REV_CURRENCY:
        _currency(vals[e.currency_at], out)
    elif rev == _REV_RUN:
        revenue_currency(m, x, out)


def _remember(
    x: Ctx, key: tuple[str, tuple[str, ...], tuple[type, ...]], spec: Any, before: Out
) -> TrackShape | None:
    """The entry for a shape the checks just saw, if the state answers for it for good."""
    _, keys, types = key
    if ("properties", keys) not in x.state.key_sigs:
        return None  # (property_keys kept no answer: the state is full)
    if len(x.shapes) >= SHAPES_MAX:
        x.shapes.clear()
    plan = shapes.shape_plan(spec, keys, types) if spec is not None else None
    rev, at = _revenue_mode(keys, types)
    e = TrackShape(tuple(before), spec, plan, rev, at)
    e.products = "products" in keys
    return e


def _bookkeeping(track: bool) -> CheckFn:
    """message_id_reuse, near_identical_user_ids, property_types_later and, for a track call
    (``track``), event_name_collisions and event_not_on_platform: their common case done
    here (a new messageId, a userId seen before, a clean shape seen before, a name without
    collisions, counting platforms), anything else by the check itself (before any of its
    state changed)."""
    remember = session.remember_message_id
    user_ids = session.near_identical_user_ids
    ptypes = proptypes.property_types_later
    collisions = session.event_name_collisions

    def bookkeeping(m: dict[str, Any], x: Ctx, out: Out) -> None:
        st = x.state
        ev = x.event
        t = m.get("type")
        name = m.get("event")
        # -- message_id_reuse: a messageId not seen before is remembered
        mid = m.get("messageId")
        if type(mid) is str and mid and (ev is None or not ev.generated_message_id):
            try:
                fp = hash(
                    (
                        t,
                        name,
                        m.get("name"),
                        m.get("userId"),
                        m.get("anonymousId"),
                        m.get("groupId"),
                        m.get("previousId"),
                        m.get("timestamp") or m.get("originalTimestamp"),
                    )
                )
            except TypeError:
                pass
            else:
                remember(mid, fp, m, x, out)
        # -- near_identical_user_ids: nothing to do for a userId seen before
        u = m.get("userId")
        if type(u) is str and u and u not in st.user_ids:
            user_ids(m, x, out)
        # -- property_types_later: a clean shape seen before is counted
        obj = m.get("traits" if t == "identify" or t == "group" else "properties")
        if type(obj) is dict and obj:
            shape = x.shape
            if shape is not None and shape[0] is obj and len(shape) == 4:
                e = shape[3]  # (track_shape's memo entry: its sig is its key)
                if e.counters is not None:
                    if not e.n:
                        later = st.pending_shapes
                        if len(later) >= PENDING_MAX:
                            st.flush()
                        later.append(e)
                    e.n += 1
                else:
                    sig = (name, shape[1], shape[2])
                    if sig in st.clean_sigs:
                        e.counters = st.clean_sigs[sig]
                        pending = st.pending
                        pending[sig] = pending.get(sig, 0) + 1
                    else:
                        ptypes(m, x, out)
                        e.counters = st.clean_sigs.get(sig)
            else:
                if t != "track":
                    ev_key = _EVENT_KEYS.get(t)  # type: ignore[arg-type]
                elif type(name) is str:
                    ev_key = name
                else:
                    ev_key = None
                if ev_key is not None:
                    count_shape(m, x, out, ev_key, obj, shape)
        if not track:
            return
        # -- event_name_collisions: nothing to say for a name known not to collide
        if type(name) is not str:
            return
        if name:
            others = st.names.get(name)
            if others is None or others:
                collisions(m, x, out)
        # -- event_not_on_platform
        platform = ev.source.library if ev is not None else None
        if not platform:
            return
        st.platform_events[platform] += 1
        seen = st.seen_on.get(name)
        if seen is None:
            if len(st.seen_on) > 5000:
                return
            seen = st.seen_on[name] = {}
        seen[platform] = n = seen.get(platform, 0) + 1
        # (every platform counted sent this name: nothing to report)
        if n >= session.EVENT_MIN_COUNT and 2 <= len(st.platform_events) > len(seen):
            session.platforms_missing(st, name, platform, n, seen, out)

    return bookkeeping


_EVENT_KEYS = {
    "page": "(page)",
    "screen": "(screen)",
    "identify": "(identify traits)",
    "group": "(group traits)",
}
_BOOKKEEPING = (
    session.message_id_reuse,
    session.near_identical_user_ids,
    proptypes.property_types_later,
)
_TRACK_END = (session.event_name_collisions, session.event_not_on_platform)


# the longest runs first: with more rules enabled, other checks may come between semantic
# and revenue_currency
FUSED: list[tuple[tuple[CheckFn, ...], CheckFn]] = [
    (
        (event_name, property_keys, sem, revenue_currency)[: 4 if revenue else 3],
        _track_shape(sem, sem is shapes.semantic, revenue),
    )
    for revenue in (True, False)
    for sem in (shapes.semantic, shapes.semantic_no_keys)
]
bookkeeping_track = _bookkeeping(True)
bookkeeping = _bookkeeping(False)
FUSED += [((*_BOOKKEEPING, *_TRACK_END), bookkeeping_track), (_BOOKKEEPING, bookkeeping)]


def fuse(fns: list[CheckFn]) -> list[CheckFn]:
    """``fns`` with every run of :data:`FUSED` replaced by its fused form."""
    out = list(fns)
    for run, fused in FUSED:
        n = len(run)
        i = 0
        while i + n <= len(out):
            if tuple(out[i : i + n]) == run:
                out[i : i + n] = [fused]
            i += 1
    return out


def count_shape(
    m: dict[str, Any], x: Ctx, out: Any, key: str, obj: dict[str, Any], shape: Any
) -> None:
    """``property_types_later`` without a memo entry: a shape the session knows is clean is
    counted (flushed later), any other is checked."""
    if shape is not None and shape[0] is obj:
        sig = (key, shape[1], shape[2])
    else:
        sig = (key, tuple(obj), tuple(map(type, obj.values())))
    st = x.state
    if sig in st.clean_sigs:
        pending = st.pending
        pending[sig] = pending.get(sig, 0) + 1
    else:
        proptypes.property_types_later(m, x, out)
