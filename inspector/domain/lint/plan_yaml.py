"""The simple YAML plan: ``events: {Name: {properties: {prop: {type, required, enum}}}}``
(plus optional ``identify``/``group`` traits and ``page``/``screen`` properties), turned into
JSON Schema rules so that one validator handles both plan shapes."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.plan import ISO_PATTERN, PlanError, PlanRule

_TYPES = {
    "string": "string",
    "str": "string",
    "number": "number",
    "float": "number",
    "integer": "integer",
    "int": "integer",
    "boolean": "boolean",
    "bool": "boolean",
    "object": "object",
    "array": "array",
    "list": "array",
    "null": "null",
}


def _prop_schema(name: str, spec: Any) -> tuple[dict[str, Any], bool]:
    """JSON Schema of one property and whether it is required."""
    if spec is None:
        return {}, False
    if isinstance(spec, str):
        spec = {"type": spec}
    if not isinstance(spec, dict):
        raise PlanError(f"property {name!r}: expected a type name or a mapping")
    out: dict[str, Any] = {}
    t = spec.get("type", "any")
    types = t if isinstance(t, list) else [p.strip() for p in str(t).split("|")]
    js: list[str] = []
    for one in types:
        if one in ("any", ""):
            js = []
            break
        if one in ("date", "date-time", "datetime", "timestamp"):
            js.append("string")
            out["pattern"] = ISO_PATTERN
            continue
        if one not in _TYPES:
            raise PlanError(f"property {name!r}: unknown type {one!r}")
        js.append(_TYPES[one])
    if js:
        out["type"] = js[0] if len(js) == 1 else js
    for k in ("enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "items", "format"):
        if k in spec:
            out[k] = spec[k]
    if spec.get("nullable") and "type" in out:
        out["type"] = [*([out["type"]] if isinstance(out["type"], str) else out["type"]), "null"]
    return out, bool(spec.get("required"))


def _object(name: str, props: Any, closed: bool) -> dict[str, Any]:
    if props is None:
        props = {}
    if not isinstance(props, dict):
        raise PlanError(f"{name}: properties must be a mapping")
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    required = []
    for k, spec in props.items():
        schema["properties"][k], req = _prop_schema(k, spec)
        if req:
            required.append(k)
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


def _rule(t: str, key: str | None, body: Any, payload: str) -> PlanRule:
    body = body or {}
    if not isinstance(body, dict):
        raise PlanError(f"{key or t}: expected a mapping")
    props = body.get(payload, body.get("properties"))
    inner = _object(key or t, props, body.get("additional_properties") is False)
    schema: dict[str, Any] = {"type": "object", "properties": {payload: inner}}
    if inner.get("required"):
        schema["required"] = [payload]
    return PlanRule(
        t, key, int(body.get("version") or 1), schema, required=body.get("required") is True
    )


def simple_rules(data: dict[str, Any]) -> list[PlanRule]:
    rules: list[PlanRule] = []
    events = data.get("events") or {}
    if not isinstance(events, dict):
        raise PlanError("'events' must map event names to their properties")
    for name, body in events.items():
        rules.append(_rule("TRACK", str(name), body, "properties"))
    for key, t, payload in (
        ("identify", "IDENTIFY", "traits"),
        ("group", "GROUP", "traits"),
        ("page", "PAGE", "properties"),
        ("screen", "SCREEN", "properties"),
    ):
        if data.get(key):
            rules.append(_rule(t, None, data[key], payload))
    return rules
