"""Property types across a session: W030 (one event's property seen with two types) and W031
(one property name with different types on different events).

Each event's properties are counted per type; a properties *shape* (event, keys, value types)
seen before without a finding only adds to the counts. The fast path
(:func:`property_types_later`) adds those counts once per shape, when something is about to
read them (:meth:`~inspector.domain.lint.session.SessionState.flush`).
"""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.registry import check
from inspector.domain.lint.session import _LIMIT, SessionState

Out = list[tuple[str, str, str | None]]
_T = {str: "string", int: "number", float: "number", bool: "boolean", dict: "object", list: "array"}


def _event_key(m: dict[str, Any]) -> str | None:
    t = m.get("type")
    if t == "track":
        e = m.get("event")
        return e if type(e) is str else None
    return {
        "page": "(page)",
        "screen": "(screen)",
        "identify": "(identify traits)",
        "group": "(group traits)",
    }.get(t)  # type: ignore[arg-type]


@check("W030", "W031", order=62)
def property_types(m: dict[str, Any], x: Ctx, out: Out) -> None:
    t = m.get("type")
    obj = m.get("traits" if t in ("identify", "group") else "properties")
    if type(obj) is not dict or not obj:
        return
    ev = _event_key(m)
    if ev is None:
        return
    st = x.state
    sig = (ev, tuple(obj), tuple(map(type, obj.values())))
    seen = st.clean_sigs.get(sig)
    if seen is not None:  # this exact shape was seen and was consistent: just count
        for lst, i in seen:
            lst[i] += 1
        return
    new_shape(t, ev, obj, sig, x, out)


def property_types_later(m: dict[str, Any], x: Ctx, out: Out) -> None:
    """:func:`property_types` counting a shape seen before (and consistent) once per
    shape; the counts reach the counters before anything reads them (:meth:`flush`)."""
    t = m.get("type")
    obj = m.get("traits" if t in ("identify", "group") else "properties")
    if type(obj) is not dict or not obj:
        return
    ev = _event_key(m)
    if ev is None:
        return
    st = x.state
    shape = x.shape
    if shape is not None and shape[0] is obj:  # (the semantic check worked it out)
        sig = (ev, shape[1], shape[2])
    else:
        sig = (ev, tuple(obj), tuple(map(type, obj.values())))
    if sig in st.clean_sigs:
        pending = st.pending
        pending[sig] = pending.get(sig, 0) + 1
        return
    st.flush()
    new_shape(t, ev, obj, sig, x, out)


def new_shape(t: Any, ev: str, obj: dict[str, Any], sig: Any, x: Ctx, out: Out) -> None:
    """:func:`property_types` on a shape not seen before (or not consistent)."""
    st = x.state
    n_out = len(out)
    counters: list[tuple[list[Any], int]] = []
    per = st.ptypes.get(ev)
    if per is None:
        if len(st.ptypes) > 5000:
            return
        per = st.ptypes[ev] = {}
    check_global = t in ("track", "page", "screen")
    spec = x.cat.events.get(ev) if t == "track" else None
    for k, v in obj.items():
        if v is None:
            continue
        vt = _T.get(type(v), "other")
        s = per.get(k)
        if s is None:
            per[k] = s = [vt, 1]
        elif s[0] == vt and len(s) == 2:
            s[1] += 1
        else:
            _mixed(s, vt, ev, k, out, "properties" if check_global else "traits")
        if len(s) == 2:
            counters.append((s, 1))
        if check_global:
            rec = _global(st, k, vt, ev, spec, out)
            if rec is not None:
                counters.append((rec, 0))
    if len(out) == n_out and len(st.clean_sigs) < _LIMIT:
        st.clean_sigs[sig] = counters


def _mixed(s: list[Any], vt: str, ev: str, k: str, out: Out, path: str) -> None:
    # s = [first type, n, type2, n2, ...] once mixed
    for i in range(0, len(s), 2):
        if s[i] == vt:
            s[i + 1] += 1
            break
    else:
        s.extend((vt, 1))
    counts = dict(zip(s[0::2], s[1::2], strict=True))
    dominant = max(counts, key=lambda t: (counts[t], t == s[0]))
    if vt != dominant:
        total = sum(counts.values())
        seen = " and ".join(f"{t} ({100 * n // total}%)" for t, n in counts.items())
        out.append(("W030", f"{ev}.{k} seen as {seen}; this one is {vt}", f"{path}.{k}"))


def _global(st: SessionState, k: str, vt: str, ev: str, spec: Any, out: Out) -> list[Any] | None:
    g = st.gtypes.get(k)
    if g is None:
        if len(st.gtypes) < _LIMIT:
            g = st.gtypes[k] = {vt: [1, ev]}
            return g[vt]
        return None
    rec = g.get(vt)
    if rec is not None:
        rec[0] += 1
        if len(g) == 1:
            return rec
    else:
        rec = g[vt] = [1, ev]
    if spec is not None and k in spec.props:
        return rec  # the spec defines this property's type for this event (position S vs N)
    dominant = max(g, key=lambda t: g[t][0])
    other_ev = g[dominant][1]
    if dominant != vt and other_ev != ev:
        out.append(
            ("W031", f"'{k}' is {vt} on {ev} but {dominant} on {other_ev}", f"properties.{k}")
        )
    return rec
