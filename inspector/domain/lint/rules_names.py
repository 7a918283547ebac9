"""Naming rules: event names (casing, spec near-matches, dynamic values, object+action) and
property keys (casing, collisions, dynamic keys). Results are cached per distinct name."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.naming import (
    CASE_NAMES,
    NameIndex,
    casing,
    compact_key,
    dynamic_reason,
    fits,
    has_past_tense,
    name_keys,
    norm_key,
    numbered_stem,
)
from inspector.domain.lint.registry import check
from inspector.domain.lint.rules_payload import GROUP_TRAITS, IDENTIFY_TRAITS, PAGE_PROPS, payload
from inspector.domain.lint.values import UUID_RE, short

Out = list[tuple[str, str, str | None]]
Found = tuple[str, str, str | None]
_CACHE_LIMIT = 20000


SPEC_NEAR_LIMIT = 200  # characters: no longer name is a misspelt spec event


_SPEC_INDEX: dict[int, tuple[NameIndex, NameIndex]] = {}


def _spec_index(cat: Any) -> tuple[NameIndex, NameIndex]:
    """The spec's event names and their v1 names, indexed once per catalogue."""
    found = _SPEC_INDEX.get(id(cat))
    if found is None:
        events, legacy = NameIndex(common=None), NameIndex(common=None)
        for n in cat.events:
            events.add(n)
        for n in cat.legacy:
            legacy.add(n)
        found = _SPEC_INDEX[id(cat)] = (events, legacy)
    return found


def spec_near_match(name: str, x: Ctx) -> str | None:
    cat = x.cat
    if name in cat.events or len(name) > SPEC_NEAR_LIMIT:
        return None  # (comparing a huge name with every spec name took seconds a megabyte)
    spec = cat.legacy.get(name)
    if spec is not None:
        return f"Did you mean '{spec}'? '{name}' is the e-commerce v1 name"
    events, legacy = _spec_index(cat)
    keys = name_keys(name)
    for spec_name, why in events.collisions(name, keys)[:1]:
        return f"Did you mean '{spec_name}'? ({why} as the spec event)"
    for old, _why in legacy.collisions(name, keys)[:1]:
        return f"Did you mean '{cat.legacy[old]}'? '{name}' resembles the v1 name '{old}'"
    return None


def analyse_event_name(name: str, x: Ctx) -> tuple[tuple[Found, ...], str]:
    """Findings that depend only on the event name, plus its casing class."""
    found: list[Found] = []
    cls = casing(name)
    if name in x.cat.events:
        return (), cls
    hint = spec_near_match(name, x)
    if hint:
        found.append(("W027", hint, "event"))
    conv = x.cfg.event_case
    if conv not in ("auto", "off", "any") and not fits(name, conv):
        found.append(
            (
                "W034",
                f"Event '{short(name)}' is {CASE_NAMES.get(cls, cls)}; "
                f"expected {CASE_NAMES.get(conv, conv)}",
                "event",
            )
        )
    why = dynamic_reason(name)
    if why:
        found.append(("W036", f"Event name contains {why}; move the value to a property", "event"))
    if not has_past_tense(norm_key(name)):
        found.append(
            (
                "I004",
                f"'{short(name)}' is not Object + past-tense Action; prefer e.g. 'Button Clicked'",
                "event",
            )
        )
    return tuple(found), cls


@check("W027", "W034", "W036", "I004", types=("track",), order=30)
def event_name(m: dict[str, Any], x: Ctx, out: Out) -> None:
    name = m.get("event")
    if type(name) is not str or not name:
        return
    info = x.names.get(name)
    if info is None:
        if len(x.names) > _CACHE_LIMIT:
            x.names.clear()
        info = x.names[name] = analyse_event_name(name, x)
    if info[0]:
        out.extend(info[0])


def exempt_keys(cat: Any) -> frozenset[str]:
    """Spec-defined names keep their spec casing (camelCase traits, startupTime…)."""
    names = set(IDENTIFY_TRAITS) | set(GROUP_TRAITS) | set(PAGE_PROPS) | {"keywords"}
    names |= {"postalCode", "employee_count", "revenue", "currency", "value"}
    for ev in cat.events.values():
        names.update(ev.props)
    return frozenset(names)


def _key_info(k: str, x: Ctx) -> tuple[bool, str, str | None, bool]:
    conv = x.cfg.property_case
    ok = k in x.state.exempt or conv in ("off", "any", "auto") or not k or fits(k, conv)
    dyn = bool(k) and (
        k.isdigit()
        or UUID_RE.fullmatch(k) is not None
        or (len(k) >= 16 and all(c in "0123456789abcdef" for c in k.lower()))
    )
    return ok, compact_key(k), numbered_stem(k) if k[-1:].isdigit() else None, dyn


@check("W033", "W035", "W037", "W041", order=31)
def property_keys(m: dict[str, Any], x: Ctx, out: Out) -> None:
    path, obj = payload(m)
    if not obj:
        return
    sig = (path, tuple(obj))
    seen = x.state.key_sigs.get(sig)
    if seen is not None:  # same key set as before: same findings (the catalogue only grows)
        if seen:
            out.extend(seen)
        return
    n_out = len(out)
    _keys(obj, path, x, out)
    if len(x.state.key_sigs) < _CACHE_LIMIT:
        x.state.key_sigs[sig] = tuple(out[n_out:])


def _keys(obj: dict[str, Any], path: str, x: Ctx, out: Out) -> None:
    cache = x.state.keyinfo
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    if len(obj) >= 300:
        out.append(
            ("W041", f"{path} has {len(obj)} keys; Unify drops events with 300 or more", path)
        )
    compacts: set[str] = set()
    stems: dict[str, list[str]] | None = None
    catalogue = x.state.compact_props[path]
    exempt = x.state.exempt
    for k in obj:
        ki = cache.get(k)
        if ki is None:
            ki = cache[k] = _key_info(k, x)
        ok, compact, stem, dyn = ki
        if not ok and path == "properties":
            out.append(
                (
                    "W035",
                    f"Property '{short(k)}' is {CASE_NAMES.get(casing(k), 'mixed')};"
                    f" expected {CASE_NAMES.get(x.cfg.property_case, '?')}",
                    f"{path}.{k}",
                )
            )
        if dyn:
            out.append(
                (
                    "W037",
                    f"Property key '{short(k)}' looks like a value (id/number); use a fixed key",
                    f"{path}.{k}",
                )
            )
        elif stem is not None:
            (stems := stems or {}).setdefault(stem, []).append(k)
        compacts.add(compact)
        prev = catalogue.get(compact)
        if prev is None:
            if len(catalogue) < _CACHE_LIMIT:
                catalogue[compact] = k
        elif prev != k and not (prev in exempt and k in exempt) and prev not in obj:
            out.append(
                (
                    "W033",
                    f"Property keys collide across events: '{short(k)}' ~ "
                    f"'{short(prev)}' (seen earlier)",
                    f"{path}.{k}",
                )
            )
    if len(compacts) < len(obj):
        groups: dict[str, list[str]] = {}
        for k in obj:
            groups.setdefault(cache[k][1], []).append(k)
        for keys in groups.values():
            if len(keys) > 1 and not all(k in exempt for k in keys):
                out.append(
                    ("W033", "Property keys collide: " + " ~ ".join(keys), f"{path}.{keys[1]}")
                )
    if stems:
        for stem, keys in stems.items():
            if len(keys) >= 3:
                out.append(
                    (
                        "W037",
                        f"Property keys look dynamic: {', '.join(keys[:4])}"
                        f"{'…' if len(keys) > 4 else ''} (use an array under "
                        f"'{stem}')",
                        f"{path}.{keys[0]}",
                    )
                )
