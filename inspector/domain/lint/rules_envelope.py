"""Envelope and identity rules: type, ids, required fields, key dialects, messageId."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import CALL_TYPES, Ctx
from inspector.domain.lint.registry import check
from inspector.domain.lint.values import UUID_RE, is_email, json_type, looks_like_phone, short

Out = list[tuple[str, str, str | None]]
ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId")
CANON = (
    "anonymousId",
    "userId",
    "groupId",
    "previousId",
    "messageId",
    "timestamp",
    "sentAt",
    "receivedAt",
    "originalTimestamp",
    "type",
    "event",
    "name",
    "category",
    "properties",
    "traits",
    "context",
    "integrations",
    "channel",
    "version",
)
_FOLDED = {k.lower(): k for k in CANON}
# keys real clients send at the top level that need no folding
_SKIP = frozenset(CANON) | {
    "writeKey",
    "_metadata",
    "options",
    "projectId",
    "rudderId",
    "request_ip",
    "appId",
}
_TYPES = frozenset(CALL_TYPES)


# the variants among a message's top-level keys, per set of keys (messages of one client
# have the same few sets): folding every key of every message cost ~1.5 µs an event
_VARIANTS: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}


def _variants(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    found = _VARIANTS.get(keys)
    if found is None:
        found = tuple(
            (k, c)
            for k in keys
            if k not in _SKIP
            and (c := _FOLDED.get(k.lower().replace("_", "").replace("-", ""))) is not None
        )
        if len(_VARIANTS) < 4096:
            _VARIANTS[keys] = found
    return found


def fold_envelope(m: dict[str, Any], x: Ctx, out: Out) -> dict[str, Any]:
    """W001/W003/E014: non-canonical envelope keys (§4.1). Returns the message to lint,
    with canonical keys filled in from their variants when the canonical key is absent."""
    src = x.original if x.original is not None else m
    found = _variants(tuple(src))
    if not found:
        return m
    view = m
    for k, c in found:
        if c in src and src[c] != src[k]:
            out.append(
                (
                    "E014",
                    f"Ambiguous {c}: {c}={short(src[c])!r} vs "
                    f"{k}={short(src[k])!r}; using the {c} value",
                    k,
                )
            )
            continue
        if "_" in k or "-" in k:
            out.append(("W003", f"Segment spec uses camelCase '{c}', not '{k}'", k))
        else:
            out.append(("W001", f"Use '{c}' (normalised from '{k}')", k))
        if c not in view:
            if view is m:
                view = dict(m)
            view[c] = src[k]
    return view


@check("W002", order=5, guard="envelope")
def type_case(m: dict[str, Any], x: Ctx, out: Out) -> None:
    src = x.original
    t = src.get("type") if src is not None else m.get("type")
    if type(t) is str and t not in _TYPES and t.lower() in _TYPES:
        out.append(("W002", f"type should be '{t.lower()}', not '{t}'", "type"))


@check("E002", order=5, guard="envelope")
def unknown_type(m: dict[str, Any], x: Ctx, out: Out) -> None:
    t = m.get("type")
    if t in _TYPES:
        return
    if type(t) is str and t.lower() in _TYPES:
        return  # W002
    what = "missing" if t is None else f"'{short(t)}'"
    out.append(
        ("E002", f"Unknown message type {what}; expected one of " + ", ".join(CALL_TYPES), "type")
    )


def _present(v: Any) -> bool:
    return type(v) is str and v.strip() != ""


@check("E003", types=("identify", "track", "page", "screen", "group"), guard="envelope")
def needs_id(m: dict[str, Any], x: Ctx, out: Out) -> None:
    uid, aid = m.get("userId"), m.get("anonymousId")
    if _present(uid) or _present(aid):
        return
    if (uid is not None and type(uid) is not str) or (aid is not None and type(aid) is not str):
        return  # E004 says it
    if (type(uid) is str and uid) or (type(aid) is str and aid):
        return  # whitespace-only: E020 says it
    out.append(("E003", "Message needs userId or anonymousId (both are missing or empty)", None))


@check("E004", guard="envelope")
def ids_are_strings(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ID_FIELDS:
        v = m.get(f)
        if v is not None and type(v) is not str:
            out.append(("E004", f"{f} must be a string, got {json_type(v)}", f))


_PLACEHOLDERS = frozenset(
    [
        "null",
        "undefined",
        "none",
        "nil",
        "nan",
        "anonymous",
        "guest",
        "[object object]",
        "0",
        "-1",
        "true",
        "false",
        "distinctid",
        "distinct_id",
        "id",
        "not_authenticated",
        "email",
        "unknown",
        "n/a",
    ]
)


def placeholder(v: str) -> bool:
    if len(v) > 20:
        return v.strip("0-") == ""
    s = v.strip().lower().strip("'\"")
    return s == "" or s in _PLACEHOLDERS or s.strip("0-") == ""


@check("E020", "W019", guard="envelope")
def placeholder_ids(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ID_FIELDS:
        v = m.get(f)
        if type(v) is not str:
            continue
        bad = placeholder(v) if f != "groupId" else (v != "" and v.strip() == "")
        if bad:
            if (
                v == ""
                and f in ("userId", "anonymousId")
                and _present(m.get("anonymousId" if f == "userId" else "userId"))
            ):
                continue  # an empty unused id next to a real one is harmless
            out.append(("E020", f"Blank or placeholder {f} {v!r} would merge unrelated users", f))
        elif v and (v[0].isspace() or v[-1].isspace()):
            out.append(
                (
                    "W019",
                    f"{f} {v!r} has surrounding whitespace; '{v.strip()}' is a different id",
                    f,
                )
            )


@check("E005", types=("track",), guard="envelope")
def track_event(m: dict[str, Any], x: Ctx, out: Out) -> None:
    e = m.get("event")
    if type(e) is str and e.strip():
        return
    why = (
        "missing"
        if e is None
        else ("empty" if e == "" or type(e) is str else f"{json_type(e)}, not a string")
    )
    out.append(("E005", f"Track call is missing its event name (event is {why})", "event"))


@check("E006", "W042", types=("group",), guard="envelope")
def group_id(m: dict[str, Any], x: Ctx, out: Out) -> None:
    g = m.get("groupId")
    if g is None or g == "":
        out.append(("E006", "Group call requires a non-empty groupId", "groupId"))
    elif type(g) is str and len(g) > 500:
        out.append(
            (
                "W042",
                f"groupId is {len(g)} characters; Unify silently drops groupIds over 500",
                "groupId",
            )
        )


@check("W042", types=("track",), guard="envelope")
def empty_context_group(m: dict[str, Any], x: Ctx, out: Out) -> None:
    ctx = m.get("context")
    if type(ctx) is dict and ctx.get("groupId") == "":
        out.append(
            ("W042", "context.groupId is empty; Unify silently drops this event", "context.groupId")
        )


@check("E007", types=("alias",), guard="envelope")
def alias_ids(m: dict[str, Any], x: Ctx, out: Out) -> None:
    missing = [f for f in ("previousId", "userId") if m.get(f) is None or m.get(f) == ""]
    if missing:
        out.append(
            (
                "E007",
                "Alias requires previousId and userId (missing: " + ", ".join(missing) + ")",
                missing[0],
            )
        )


@check("E008", guard="envelope")
def payload_objects(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ("properties", "traits"):
        v = m.get(f)
        if v is not None and type(v) is not dict:
            out.append(("E008", f"{f} must be an object, got {json_type(v)}", f))


@check("E009", guard="envelope")
def context_objects(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ("context", "integrations"):
        v = m.get(f)
        if v is not None and type(v) is not dict:
            out.append(("E009", f"{f} must be an object, got {json_type(v)}", f))


@check("E013", "I001", guard="envelope")
def message_id(m: dict[str, Any], x: Ctx, out: Out) -> None:
    mid = m.get("messageId")
    if type(mid) is str and mid:
        if len(mid) > 100:
            out.append(
                (
                    "E013",
                    f"messageId is {len(mid)} characters; over 100 Unify drops the event",
                    "messageId",
                )
            )
    elif mid is None or mid == "":
        out.append(
            (
                "I001",
                "No messageId: retries cannot be deduplicated (the HTTP API "
                "assigns one on arrival)",
                "messageId",
            )
        )


_TOP_TRAITS = {
    "email": "email",
    "created_at": "createdAt",
    "createdAt": "createdAt",
    "phone": "phone",
    "first_name": "firstName",
    "last_name": "lastName",
    "firstName": "firstName",
    "lastName": "lastName",
    "name": "name",
}
_TOP_KEYS = frozenset(_TOP_TRAITS)


@check("W004", guard="envelope")
def top_level_traits(m: dict[str, Any], x: Ctx, out: Out) -> None:
    if _TOP_KEYS.isdisjoint(m):
        return
    t = m.get("type")
    for k, trait in _TOP_TRAITS.items():
        if k in m and not (k == "name" and t in ("page", "screen")):
            where = "traits" if t in ("identify", "group") else "context.traits"
            out.append(("W004", f"Move top-level '{k}' into {where}.{trait}", k))


@check("W077", guard="envelope")
def user_id_pii(m: dict[str, Any], x: Ctx, out: Out) -> None:
    u = m.get("userId")
    if type(u) is str and len(u) > 5:
        if "@" in u and is_email(u):
            out.append(
                (
                    "W077",
                    f"userId {short(u)!r} is an email address; use a stable "
                    "database id and send the email as a trait",
                    "userId",
                )
            )
        elif u[0] in "+(0123456789" and looks_like_phone(u):
            out.append(
                (
                    "W077",
                    f"userId {short(u)!r} looks like a phone number; use a stable database id",
                    "userId",
                )
            )


@check("I005")
def anonymous_uuid(m: dict[str, Any], x: Ctx, out: Out) -> None:
    a = m.get("anonymousId")
    if type(a) is str and a and UUID_RE.fullmatch(a) is None:
        out.append(
            (
                "I005",
                f"anonymousId {short(a)!r} is not a uuid; Mixpanel Original ID "
                "Merge won't merge it",
                "anonymousId",
            )
        )


@check("I010")
def amplitude_short_ids(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ("userId", "anonymousId"):
        v = m.get(f)
        if type(v) is str and 0 < len(v) < 5:
            out.append(
                (
                    "I010",
                    f"{f} {v!r} is shorter than 5 characters; Amplitude rejects it (min_id_length)",
                    f,
                )
            )


@check("W054")
def customerio(m: dict[str, Any], x: Ctx, out: Out) -> None:
    u = m.get("userId")
    if type(u) is str and len(u) > 150:
        out.append(
            ("W054", f"userId is {len(u)} characters; Customer.io ids are limited to 150", "userId")
        )
    for path, traits in (
        ("traits", m.get("traits")),
        (
            "context.traits",
            (m.get("context") or {}).get("traits") if type(m.get("context")) is dict else None,
        ),
    ):
        if type(traits) is dict and "created_at" in traits:
            v = traits["created_at"]
            if type(v) is str or (type(v) in (int, float) and v > 1e11):
                out.append(
                    (
                        "W054",
                        f"Customer.io expects created_at as Unix seconds, got {short(v)!r}",
                        f"{path}.created_at",
                    )
                )


@check("W052")
def kissmetrics(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ("event", "userId", "anonymousId"):
        v = m.get(f)
        if type(v) is str:
            if len(v) > 255:
                out.append(("W052", f"KISSmetrics truncates {f} at 255 characters", f))
            elif "," in v or ":" in v:
                out.append(("W052", f"KISSmetrics turns ',' and ':' in {f} into spaces", f))
    props = m.get("properties")
    if type(props) is dict and "_t" in props and str(props.get("_d")) != "1":
        out.append(("W052", "KISSmetrics ignores _t unless _d=1", "properties._t"))
