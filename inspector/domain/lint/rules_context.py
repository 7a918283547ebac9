"""context.* rules: spec types and formats, unknown keys, advertising ids, event_version."""

from __future__ import annotations

from typing import Any

import orjson

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.naming import compact_key
from inspector.domain.lint.registry import check
from inspector.domain.lint.values import LOCALE_RE, TIMEZONE_RE, json_type, short

Out = list[tuple[str, str, str | None]]
S, N, B, OBJ, A = (str,), (int, float), (bool,), (dict,), (list,)
_WORDS: dict[Any, str] = {
    S: "a string",
    N: "a number",
    B: "a boolean",
    OBJ: "an object",
    A: "an array",
    S + N: "a string",
}
TOP: dict[str, tuple[type, ...]] = {
    "active": B,
    "ip": S,
    "locale": S,
    "timezone": S,
    "userAgent": S,
    "groupId": S,
    "channel": S,
    "app": OBJ,
    "campaign": OBJ,
    "device": OBJ,
    "library": OBJ,
    "location": OBJ,
    "network": OBJ,
    "os": OBJ,
    "page": OBJ,
    "referrer": OBJ,
    "screen": OBJ,
    "traits": OBJ,
    "userAgentData": OBJ,
    "externalIds": A,
    "protocols": OBJ,
    "instanceId": S,
    "consent": OBJ,
    "personas": OBJ,
}
SUB: dict[str, dict[str, tuple[type, ...]]] = {
    "app": {"name": S, "version": S, "build": S + N, "namespace": S},
    "campaign": {"name": S, "source": S, "medium": S, "term": S, "content": S},
    "device": {
        "id": S,
        "advertisingId": S,
        "adTrackingEnabled": B,
        "manufacturer": S,
        "model": S,
        "name": S,
        "type": S,
        "token": S,
        "version": S,
    },
    "library": {"name": S, "version": S},
    "location": {"city": S, "country": S, "region": S, "latitude": N, "longitude": N, "speed": N},
    "network": {"bluetooth": B, "cellular": B, "wifi": B, "carrier": S},
    "os": {"name": S, "version": S},
    "page": {"path": S, "referrer": S, "search": S, "title": S, "url": S},
    "referrer": {"type": S, "name": S, "url": S, "link": S, "id": S},
    "screen": {"width": N, "height": N, "density": N},
}
_SUGGEST = {compact_key(k): k for k in TOP}


# What context_fields found, per context as JSON: a client sends the same context with event
# after event (library, user agent, locale, page), and the findings depend on nothing else.
# Serialising it (C) costs a third of checking it key by key.
_SEEN: dict[bytes, tuple[tuple[str, str, str | None], ...]] = {}
_SEEN_MAX = 1024
_SEEN_KEY_MAX = 4096  # bytes of JSON: a larger context is checked each time


@check("W011", "I002", "W045", "W056", order=20)
def context_fields(m: dict[str, Any], x: Ctx, out: Out) -> None:
    """One pass over context; W045/W056 run from here when their key is present."""
    ctx = m.get("context")
    if type(ctx) is not dict or not ctx:
        return
    try:
        key: bytes | None = orjson.dumps(ctx)
    except TypeError:  # an integer over 64 bits: no key, just check it
        key = None
    if key is not None:
        seen = _SEEN.get(key)
        if seen is not None:
            out.extend(seen)
            return
    found: Out = []
    _context_fields(ctx, found)
    if key is not None and len(key) <= _SEEN_KEY_MAX:
        if len(_SEEN) >= _SEEN_MAX:
            _SEEN.clear()
        _SEEN[key] = tuple(found)
    out.extend(found)


def _context_fields(ctx: dict[str, Any], out: Out) -> None:
    for k, v in ctx.items():
        types = TOP.get(k)
        if types is not None and (v is None or type(v) in types):
            sub = SUB.get(k)
            if sub is None:
                if k == "locale" or k == "timezone":
                    _formats(k, v, out)
                elif k == "protocols" and v:
                    event_version(v, out)
                continue
            if v:
                for sk, sv in v.items():
                    st = sub.get(sk)
                    if st is not None and sv is not None and type(sv) not in st:
                        out.append(
                            (
                                "W011",
                                f"context.{k}.{sk} should be {_WORDS[st]}, got {json_type(sv)}",
                                f"context.{k}.{sk}",
                            )
                        )
                if k == "device":
                    advertising_id(v, out)
            continue
        if types is None:
            hint = _SUGGEST.get(compact_key(k))
            out.append(
                (
                    "I002",
                    f"context.{k} is not a spec field"
                    + (f" (did you mean {hint}?)" if hint else ""),
                    f"context.{k}",
                )
            )
            continue
        out.append(
            ("W011", f"context.{k} should be {_WORDS[types]}, got {json_type(v)}", f"context.{k}")
        )


_FORMAT_OK: dict[str, bool] = {}


def _formats(k: str, v: Any, out: Out) -> None:
    """W011: locale is BCP-47-like, timezone an IANA name (results cached per value)."""
    if not v:
        return
    ok = _FORMAT_OK.get(k + v)
    if ok is None:
        rx = LOCALE_RE if k == "locale" else TIMEZONE_RE
        ok = rx.fullmatch(v) is not None
        if len(_FORMAT_OK) < 10000:
            _FORMAT_OK[k + v] = ok
    if not ok:
        what = (
            "a BCP-47 tag (e.g. en-US)"
            if k == "locale"
            else "an IANA tz name (e.g. America/New_York)"
        )
        out.append(("W011", f"context.{k} {short(v)!r} is not {what}", f"context.{k}"))


def advertising_id(dev: dict[str, Any], out: Out) -> None:
    """W045 on context.device: an all-zero IDFA/AAID, or one sent with tracking disabled."""
    ad = dev.get("advertisingId")
    if type(ad) is not str or not ad:
        return
    if ad.strip("0-") == "":
        out.append(
            (
                "W045",
                "context.device.advertisingId is all zeros (ad tracking "
                "limited); it identifies no one",
                "context.device.advertisingId",
            )
        )
    elif dev.get("adTrackingEnabled") is False:
        out.append(
            (
                "W045",
                "advertisingId sent while adTrackingEnabled is false",
                "context.device.advertisingId",
            )
        )


def event_version(prot: dict[str, Any], out: Out) -> None:
    """W056 on context.protocols: event_version must be an integer."""
    if "event_version" in prot:
        v = prot["event_version"]
        if type(v) is not int:
            out.append(
                (
                    "W056",
                    f"context.protocols.event_version must be an integer, got {short(v)!r}",
                    "context.protocols.event_version",
                )
            )
