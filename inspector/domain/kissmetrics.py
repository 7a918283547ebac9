"""The KISSmetrics HTTP API (``/e``, ``/s``, ``/a``) as Segment messages.

KISSmetrics takes everything in query parameters (GET, or a form POST): ``_k`` the API key,
``_p`` the person, ``_n`` the event name (or, for ``/a``, the other identity), ``_t`` epoch
seconds honoured only with ``_d=1``; every other parameter is a property. Its server answers
200 with a 1x1 GIF whatever it got, so nothing here rejects: what is odd is left for the
linter, which sees the call as it came in ``CapturedEvent.original``
(``{"kissmetrics": "record", "path": "/e", "params": {...}}``: wrapped, so that a property
called ``Name`` or ``type`` is not mistaken for a misspelt Segment envelope key).

- ``/e`` (record) -> ``track``: ``userId=_p``, ``event=_n``, ``properties``.
- ``/s`` (set) -> ``identify``: ``userId=_p``, ``traits``.
- ``/a`` (alias) -> ``alias``: ``previousId=_p``, ``userId=_n`` (``_p2`` in older clients).
  KISSmetrics aliasing is order independent (the two names become one person, whichever is
  first), so the mapping keeps the order of the request and nothing downstream may rely on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

# path (no slash) -> (Segment type, KISSmetrics call name)
KM_ROUTES: dict[str, tuple[str, str]] = {
    "e": ("track", "record"),
    "s": ("identify", "set"),
    "a": ("alias", "alias"),
}
RESERVED = frozenset({"_k", "_p", "_n", "_t", "_d", "_p2", "_c", "_x"})
LIBRARY = {"name": "kissmetrics", "version": "http-api"}


def params_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The parameters as a dict; a parameter given more than once keeps all its values."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            prev = out[k]
            out[k] = [*prev, v] if isinstance(prev, list) else [prev, v]
        else:
            out[k] = v
    return out


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[-1] if value else None
    return value if isinstance(value, str) else None


def km_timestamp(params: dict[str, Any]) -> str | None:
    """``_t`` as ISO-8601 when ``_d=1`` says to use it (else KISSmetrics uses arrival time)."""
    if _first(params.get("_d")) != "1":
        return None
    t = _first(params.get("_t"))
    if t is None:
        return None
    try:
        secs = float(t)
        dt = datetime.fromtimestamp(secs, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def to_message(route: str, params: dict[str, Any]) -> dict[str, Any]:
    """One KISSmetrics call as one Segment message (``route`` is ``e``, ``s`` or ``a``)."""
    kind, _ = KM_ROUTES[route]
    person = _first(params.get("_p"))
    name = _first(params.get("_n"))
    props = {k: v for k, v in params.items() if k not in RESERVED}
    msg: dict[str, Any] = {"type": kind}
    if kind == "track":
        msg["userId"] = person
        msg["event"] = name
        msg["properties"] = props
    elif kind == "identify":
        msg["userId"] = person
        msg["traits"] = props
    else:
        msg["previousId"] = person
        msg["userId"] = name if name is not None else _first(params.get("_p2"))
        if props:
            msg["properties"] = props
    ts = km_timestamp(params)
    if ts is not None:
        msg["timestamp"] = ts
    elif "_t" in params:
        # KISSmetrics ignores _t without _d=1; keep both visible so the linter can say so
        target = msg.setdefault("properties" if kind != "identify" else "traits", {})
        target.update({k: params[k] for k in ("_t", "_d") if k in params})
    msg["context"] = {"library": dict(LIBRARY)}
    return msg


def original_of(route: str, params: dict[str, Any]) -> dict[str, Any]:
    """The call as KISSmetrics received it, for ``CapturedEvent.original``."""
    return {"kissmetrics": KM_ROUTES[route][1], "path": f"/{route}", "params": params}


def api_key(params: dict[str, Any]) -> str | None:
    return _first(params.get("_k"))
