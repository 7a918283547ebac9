"""Cross-event state of one capture session and the rules that need it.

Findings are attached to the arriving event that reveals the problem, computed against the
state as it is at that moment; :meth:`SessionState.issues` gives the current picture.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.naming import CASE_NAMES, NameIndex, casing
from inspector.domain.lint.registry import check
from inspector.domain.lint.values import short

Out = list[tuple[str, str, str | None]]
_LIMIT = 100_000  # entries kept per map; past it the oldest half is forgotten
PLATFORM_MIN_EVENTS = 50  # a platform must have sent this many track calls to be compared
EVENT_MIN_COUNT = 3  # and the event this many times on the other platform


def _trim(d: dict[Any, Any]) -> None:
    if len(d) > _LIMIT:
        for k in list(d)[: _LIMIT // 2]:
            del d[k]


class SessionState:
    def __init__(self, exempt: frozenset[str]) -> None:
        self.exempt = exempt
        self.keyinfo: dict[str, Any] = {}
        self.key_sigs: dict[tuple[str, tuple[str, ...]], tuple[Any, ...]] = {}
        self.compact_props: defaultdict[str, dict[str, str]] = defaultdict(dict)
        self.b2b = False
        self.message_ids: dict[str, int] = {}
        self.user_ids: dict[str, str] = {}
        self.clean_sigs: dict[tuple[Any, ...], list[tuple[list[Any], int]]] = {}
        # the fast path's counts not yet added to ptypes/gtypes: clean shape -> times seen
        self.pending: dict[tuple[Any, ...], int] = {}
        # and the fused fast path's, per memo entry of a clean shape (``counters``, ``n``)
        self.pending_shapes: list[Any] = []
        self.cased: set[str] = set()
        self.ptypes: dict[str, dict[str, list[Any]]] = {}  # event -> prop -> [type, n, ...]
        self.gtypes: dict[str, dict[str, list[Any]]] = {}  # prop -> type -> [n, event]
        self.names: dict[str, tuple[str, ...]] = {}  # event name -> colliding names
        self.name_index = NameIndex()
        self.casings: dict[str, int] = defaultdict(int)
        self.platform_events: dict[str, int] = defaultdict(int)
        self.seen_on: dict[str, dict[str, int]] = {}  # event -> platform -> count
        self.reported_platform: set[tuple[str, str]] = set()
        self.identified: dict[str, set[str]] = {}  # actor -> trait keys sent by identify
        self.video: dict[str, Any] = {}  # actor -> session_id of the playback in progress
        self.spec_names: frozenset[str] = frozenset()

    # -- W047: one session_id per playback ------------------------------------------------
    def video_session(self, m: dict[str, Any], props: dict[str, Any], out: Out) -> None:
        actor = m.get("userId") or m.get("anonymousId")
        if type(actor) is not str:
            return
        sid, name = props.get("session_id"), m.get("event")
        if name == "Video Playback Started":
            self.video[actor] = sid
            _trim(self.video)
            return
        cur = self.video.get(actor)
        if cur is not None and sid is not None and sid != cur:
            out.append(
                (
                    "W047",
                    f"Video spec: session_id changed from {short(cur)!r} to "
                    f"{short(sid)!r} within one playback",
                    "properties.session_id",
                )
            )
        if name in ("Video Playback Completed", "Video Playback Exited"):
            self.video.pop(actor, None)

    # -- current cross-event picture ------------------------------------------------------
    def flush(self) -> None:
        """Add the counts the fast path kept per shape to the property types' counters."""
        if self.pending:
            clean = self.clean_sigs
            for sig, n in self.pending.items():
                for lst, i in clean[sig]:
                    lst[i] += n
            self.pending.clear()
        if self.pending_shapes:
            for e in self.pending_shapes:
                n = e.n
                for lst, i in e.counters:
                    lst[i] += n
                e.n = 0
            self.pending_shapes.clear()

    def issues(self) -> list[dict[str, Any]]:
        """Cross-event problems as they stand now (for a session report view)."""
        self.flush()
        found: list[dict[str, Any]] = []
        for name, others in self.names.items():
            if others:
                found.append({"rule": "W032", "event": name, "collidesWith": list(others)})
        for event, props in self.ptypes.items():
            for p, st in props.items():
                if len(st) > 2:
                    found.append(
                        {
                            "rule": "W030",
                            "event": event,
                            "property": p,
                            "types": dict(zip(st[2::2], st[3::2], strict=True)),
                        }
                    )
        for p, types in self.gtypes.items():
            if len(types) > 1:
                found.append(
                    {"rule": "W031", "property": p, "types": {t: v[1] for t, v in types.items()}}
                )
        return found


@check("W008", order=60)
def message_id_reuse(m: dict[str, Any], x: Ctx, out: Out) -> None:
    mid = m.get("messageId")
    if type(mid) is not str or not mid or (x.event is not None and x.event.generated_message_id):
        return
    try:
        fp = hash(
            (
                m.get("type"),
                m.get("event"),
                m.get("name"),
                m.get("userId"),
                m.get("anonymousId"),
                m.get("groupId"),
                m.get("previousId"),
                m.get("timestamp") or m.get("originalTimestamp"),
            )
        )
    except TypeError:
        return
    ids = x.state.message_ids
    prev = ids.get(mid)
    if prev is None:
        ids[mid] = fp
        if len(ids) > _LIMIT:
            _trim(ids)
    elif prev != fp:
        out.append(
            (
                "W008",
                f"messageId {short(mid)!r} was seen before on a different event; "
                "dedupe will drop one of them",
                "messageId",
            )
        )


def remember_message_id(mid: str, fp: int, m: dict[str, Any], x: Ctx, out: Out) -> None:
    """:func:`message_id_reuse` once its fingerprint ``fp`` of the message is known (the fast
    paths hash what they know the message holds): a messageId not seen before is remembered,
    one seen on another event is reported (by the check itself)."""
    ids = x.state.message_ids
    prev = ids.setdefault(mid, fp)
    if prev is fp:
        if len(ids) > _LIMIT:
            _trim(ids)
    elif prev != fp:
        message_id_reuse(m, x, out)  # (says so)


@check("W019", order=61)
def near_identical_user_ids(m: dict[str, Any], x: Ctx, out: Out) -> None:
    u = m.get("userId")
    if type(u) is not str or not u:
        return
    ids = x.state.user_ids
    prev = ids.get(u)
    if prev is not None:
        return
    folded = "\0" + u.strip().lower()
    other = ids.get(folded)
    if other is None:
        ids[folded] = u
    elif other != u:
        out.append(
            (
                "W019",
                f"userId {u!r} and {other!r} differ only in case/whitespace; "
                "they count as different users",
                "userId",
            )
        )
    ids[u] = u
    _trim(ids)


@check("W032", order=63, types=("track",))
def event_name_collisions(m: dict[str, Any], x: Ctx, out: Out) -> None:
    name = m.get("event")
    if type(name) is not str or not name:
        return
    names = x.state.names
    others = names.get(name)
    if others is None:
        if len(names) > 5000:
            return
        spec = x.cat.events
        found = []
        index = x.state.name_index
        for other, _why in index.collisions(name):  # an index, not every name seen
            if name in spec and other in spec:
                continue
            found.append(other)
            names[other] = (*names[other], name)
        others = names[name] = tuple(found)
        index.add(name)
    if others:
        out.append(
            (
                "W032",
                f"Event names collide: '{short(name)}' ~ "
                + ", ".join(f"'{short(o)}'" for o in others[:3]),
                "event",
            )
        )


@check("W034", order=64, types=("track",))
def dominant_event_case(m: dict[str, Any], x: Ctx, out: Out) -> None:
    if x.cfg.event_case != "auto":
        return
    name = m.get("event")
    if type(name) is not str or not name or name in x.cat.events:
        return
    c = x.state.casings
    if name not in x.state.cased and len(x.state.cased) < _LIMIT:
        x.state.cased.add(name)
        c[casing(name)] += 1
    if sum(c.values()) < 3:
        return
    dominant = max(c, key=c.__getitem__)
    cls = casing(name)
    if cls != dominant:
        out.append(
            (
                "W034",
                f"Event '{short(name)}' is {CASE_NAMES.get(cls, cls)}; most "
                f"events are {CASE_NAMES.get(dominant, dominant)}",
                "event",
            )
        )


@check("I007", order=65, guard="quiet_context")
def context_traits(m: dict[str, Any], x: Ctx, out: Out) -> None:
    t = m.get("type")
    ctx = m.get("context")
    ctraits = ctx.get("traits") if type(ctx) is dict else None
    if ctraits is None and t != "identify":
        return
    actor = m.get("userId") or m.get("anonymousId")
    if type(actor) is not str:
        return
    ident = x.state.identified
    if t == "identify":
        keys = ident.get(actor)
        if keys is None:
            keys = ident[actor] = set()
            _trim(ident)
        for obj in (m.get("traits"), ctraits):
            if type(obj) is dict:
                keys.update(obj)
    elif t in ("track", "page") and type(ctraits) is dict and ctraits:
        missing = [k for k in ctraits if k not in ident.get(actor, ())]
        if missing:
            out.append(
                (
                    "I007",
                    "context.traits ("
                    + ", ".join(missing[:4])
                    + ") never sent by identify; they do not update the profile",
                    "context.traits",
                )
            )


@check("I015", order=66, types=("track",))
def event_not_on_platform(m: dict[str, Any], x: Ctx, out: Out) -> None:
    name = m.get("event")
    ev = x.event
    platform = ev.source.library if ev is not None else None
    if type(name) is not str or not platform:
        return
    st = x.state
    st.platform_events[platform] += 1
    seen = st.seen_on.get(name)
    if seen is None:
        if len(st.seen_on) > 5000:
            return
        seen = st.seen_on[name] = {}
    seen[platform] = n = seen.get(platform, 0) + 1
    if n < EVENT_MIN_COUNT or len(st.platform_events) < 2:
        return
    platforms_missing(st, name, platform, n, seen, out)


def platforms_missing(
    st: SessionState, name: str, platform: str, n: int, seen: dict[str, int], out: Out
) -> None:
    """I015 for the platforms that sent many track calls but never ``name``."""
    for other, count in st.platform_events.items():
        if (
            other not in seen
            and count >= PLATFORM_MIN_EVENTS
            and (name, other) not in st.reported_platform
        ):
            st.reported_platform.add((name, other))
            out.append(
                (
                    "I015",
                    f"'{short(name)}' seen {n}× from {platform} but never from "
                    f"{other} ({count} track calls)",
                    "event",
                )
            )


@check("I006", order=1, guard="quiet_context")
def detect_b2b(m: dict[str, Any], x: Ctx, out: Out) -> None:
    """Not a finding: remembers that the session is B2B (group calls or context.groupId)."""
    st = x.state
    if st.b2b:
        return
    if m.get("type") == "group":
        st.b2b = True
        return
    ctx = m.get("context")
    if type(ctx) is dict and ctx.get("groupId"):
        st.b2b = True
