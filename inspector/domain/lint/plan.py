"""Tracking plans: the Segment Protocols / RudderStack JSON Schema shape, or a simple YAML.

Violations: W028 unplanned event, W029 unplanned property, E015 missing required property,
E016 wrong type, E017 value not allowed (enum, pattern, other constraints).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from inspector.domain.labels import kind_label
from inspector.domain.lint.values import ISO_RE, json_type_exact, short

Out = list[tuple[str, str, str | None]]
TYPES = ("COMMON", "TRACK", "IDENTIFY", "GROUP", "PAGE", "SCREEN", "ALIAS")
_PAYLOAD = {
    "TRACK": "properties",
    "PAGE": "properties",
    "SCREEN": "properties",
    "IDENTIFY": "traits",
    "GROUP": "traits",
}


class PlanError(ValueError):
    """The plan file cannot be read or has an unknown shape."""


@dataclass(slots=True)
class PlanRule:
    type: str
    key: str | None
    version: int
    schema: dict[str, Any]
    validator: Any = None
    planned: frozenset[str] | None = None  # keys listed for properties/traits, None = any
    closed: bool = False  # additionalProperties false: jsonschema reports extras itself
    required: bool = False  # the event must be seen at all (coverage fails without it)

    def __post_init__(self) -> None:
        cls = jsonschema.validators.validator_for(self.schema, jsonschema.Draft7Validator)
        try:
            cls.check_schema(self.schema)
        except jsonschema.SchemaError as exc:
            raise PlanError(
                f"invalid JSON Schema for {self.type} {self.key!r}: {exc.message}"
            ) from exc
        self.validator = cls(self.schema)
        payload = _PAYLOAD.get(self.type)
        sub = (self.schema.get("properties") or {}).get(payload) if payload else None
        if isinstance(sub, dict) and isinstance(sub.get("properties"), dict):
            self.planned = frozenset(sub["properties"])
            self.closed = sub.get("additionalProperties") is False


@dataclass
class TrackingPlan:
    rules: list[PlanRule] = field(default_factory=list)
    source: str | None = None
    events: dict[str, dict[int, PlanRule]] = field(init=False, default_factory=dict)
    keyed: dict[tuple[str, str], dict[int, PlanRule]] = field(init=False, default_factory=dict)
    general: dict[str, list[PlanRule]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.rules:
            if r.type == "TRACK" and r.key:
                self.events.setdefault(r.key, {})[r.version] = r
            elif r.key and r.type in ("PAGE", "SCREEN"):
                self.keyed.setdefault((r.type, r.key), {})[r.version] = r
            else:
                self.general.setdefault(r.type, []).append(r)

    def check(self, m: dict[str, Any], out: Out) -> None:
        t = str(m.get("type") or "").upper()
        rules = list(self.general.get("COMMON", ())) + list(self.general.get(t, ()))
        if t == "TRACK":
            name = m.get("event")
            versions = self.events.get(name) if type(name) is str else None
            if versions is None:
                if self.events and type(name) is str and name:
                    out.append(("W028", f"Unplanned event '{short(name)}'", "event"))
            else:
                rules.append(_pick(versions, m))
        elif t in ("PAGE", "SCREEN"):
            name = m.get("name")
            versions = self.keyed.get((t, name)) if type(name) is str else None
            if versions:
                rules.append(_pick(versions, m))
        view = _identify_traits(m) if t == "IDENTIFY" and rules else None
        if view is None:
            for rule in rules:
                _validate(rule, m, out)
            return
        start = len(out)
        for rule in rules:
            _validate(rule, view[0], out)
        out[start:] = [_where(f, view[1]) for f in out[start:]]


def _identify_traits(m: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]] | None:
    """An identify's traits where each library puts them: ``traits`` (Segment, Customer.io)
    and ``context.traits`` (RudderStack sends them only there); ``traits`` wins a tie. The
    message as the plan sees it, and the trait keys read from ``context.traits``."""
    ctx = m.get("context")
    ctraits = ctx.get("traits") if isinstance(ctx, dict) else None
    if not isinstance(ctraits, dict) or not ctraits:
        return None
    own = m.get("traits")
    own = own if isinstance(own, dict) else {}
    return {**m, "traits": {**ctraits, **own}}, frozenset(k for k in ctraits if k not in own)


def _where(
    found: tuple[str, str, str | None], from_context: frozenset[str]
) -> tuple[str, str, str | None]:
    """Name the place a trait was read from (``context.traits.x``), or say where a missing
    one was looked for."""
    rid, msg, path = found
    if not path or not path.startswith("traits."):
        return found
    key = path.split(".", 2)[1]
    if key in from_context:
        said = msg.replace(path, "context." + path, 1)
        if said == msg:
            said = f"{msg} (in context.traits)"
        return rid, said, "context." + path
    if rid == "E015":
        return rid, f"{msg} (looked in traits and context.traits)", path
    return found


def _pick(versions: dict[int, PlanRule], m: dict[str, Any]) -> PlanRule:
    ctx = m.get("context")
    prot = ctx.get("protocols") if isinstance(ctx, dict) else None
    v = prot.get("event_version") if isinstance(prot, dict) else None
    if type(v) is int and v in versions:
        return versions[v]
    return versions[min(versions)]


def _path(parts: Any) -> str:
    return ".".join(str(p) for p in parts)


def _label(m: dict[str, Any]) -> str:
    return kind_label(m.get("type"), m) or str(m.get("type"))


def _validate(rule: PlanRule, m: dict[str, Any], out: Out) -> None:
    for err in rule.validator.iter_errors(m):
        base = _path(err.absolute_path)
        kind = err.validator
        if kind == "required":
            inst = err.instance if isinstance(err.instance, dict) else {}
            for r in err.validator_value:
                if r not in inst:
                    p = f"{base}.{r}" if base else r
                    sub = (err.schema.get("properties") or {}).get(r)
                    inner = sub.get("required") if isinstance(sub, dict) else None
                    if inner:  # a whole payload missing: name what it had to hold
                        for q in inner:
                            out.append(
                                ("E015", f"{p}.{q} is required by the tracking plan", f"{p}.{q}")
                            )
                    else:
                        out.append(("E015", f"{p} is required by the tracking plan", p))
        elif kind == "type":
            exp = err.validator_value
            exp = " or ".join(exp) if isinstance(exp, list) else exp
            out.append(
                (
                    "E016",
                    f"{base or 'message'}: Invalid type. Expected {exp}, given "
                    f"{json_type_exact(err.instance)}",
                    base or None,
                )
            )
        elif kind == "additionalProperties":
            known = err.schema.get("properties") or {}
            for k in err.instance:
                if k not in known:
                    p = f"{base}.{k}" if base else k
                    out.append(("W029", f"Unplanned property '{p}' on '{_label(m)}'", p))
        elif kind in ("enum", "const"):
            allowed = err.validator_value if kind == "enum" else [err.validator_value]
            out.append(
                (
                    "E017",
                    f"{base}={short(err.instance)!r} not in allowed values ("
                    + ", ".join(short(a, 20) for a in allowed[:8])
                    + ")",
                    base or None,
                )
            )
        else:
            out.append(("E017", f"{base or 'message'}: {err.message}", base or None))
    if rule.planned is not None and not rule.closed:
        payload = _PAYLOAD[rule.type]
        obj = m.get(payload)
        if isinstance(obj, dict):
            for k in obj:
                if k not in rule.planned:
                    out.append(
                        ("W029", f"Unplanned property '{k}' on '{_label(m)}'", f"{payload}.{k}")
                    )


# -- loading -----------------------------------------------------------------------------------
def load_plan(path: str | Path) -> TrackingPlan:
    """Read a JSON or YAML plan (Segment rules list, Segment/RudderStack ``rules.events``
    object, or the simple ``events: name -> properties`` YAML)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"cannot read tracking plan {p}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanError(f"tracking plan {p} is not valid {p.suffix[1:].upper()}: {exc}") from exc
    plan = plan_from_data(data)
    plan.source = str(p)
    return plan


def plan_from_data(data: Any) -> TrackingPlan:
    if isinstance(data, dict):
        for wrapper in ("tracking_plan", "trackingPlan", "data"):
            if isinstance(data.get(wrapper), dict):
                data = data[wrapper]
    if isinstance(data, list):
        return TrackingPlan([_segment_rule(r) for r in data])
    if not isinstance(data, dict):
        raise PlanError("tracking plan must be an object or a list of rules")
    rules = data.get("rules")
    if isinstance(rules, list):
        return TrackingPlan([_segment_rule(r) for r in rules])
    if isinstance(rules, dict):
        return TrackingPlan(_config_api_rules(rules))
    if "events" in data or "identify" in data or "group" in data:
        from inspector.domain.lint.plan_yaml import simple_rules

        return TrackingPlan(simple_rules(data))
    raise PlanError(
        "unknown tracking plan shape: expected 'rules' (Segment/RudderStack) "
        "or 'events' (simple YAML)"
    )


def _segment_rule(r: Any) -> PlanRule:
    if not isinstance(r, dict):
        raise PlanError(f"plan rule must be an object, got {type(r).__name__}")
    t = str(r.get("type") or "TRACK").upper()
    if t not in TYPES:
        raise PlanError(f"unknown plan rule type {t!r}")
    schema = r.get("jsonSchema") or r.get("json_schema") or r.get("rules") or {}
    if t == "TRACK" and not r.get("key") and not r.get("name"):
        raise PlanError("TRACK rule without a key (event name)")
    return PlanRule(
        t,
        r.get("key") or r.get("name"),
        int(r.get("version") or 1),
        schema,
        required=r.get("required") is True,
    )


def _config_api_rules(rules: dict[str, Any]) -> list[PlanRule]:
    out: list[PlanRule] = []
    for k, t in (
        ("global", "COMMON"),
        ("identify", "IDENTIFY"),
        ("group", "GROUP"),
        ("page", "PAGE"),
        ("screen", "SCREEN"),
    ):
        v = rules.get(k)
        if isinstance(v, dict) and v:
            out.append(PlanRule(t, None, 1, v.get("rules", v) if "rules" in v else v))
    for ev in rules.get("events") or []:
        if not isinstance(ev, dict) or not ev.get("name"):
            raise PlanError("each entry of rules.events needs a name")
        t = str(ev.get("eventType") or "track").upper()
        out.append(
            PlanRule(
                t,
                ev["name"],
                int(ev.get("version") or 1),
                ev.get("rules") or ev.get("jsonSchema") or {},
                required=ev.get("required") is True,
            )
        )
    return out


ISO_PATTERN = "^" + ISO_RE.pattern + "$"
