"""Semantic-spec rules driven by resources/specs: property types, products, keys, video, B2B."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.registry import check
from inspector.domain.lint.specdata import PropType, describe
from inspector.domain.lint.values import is_integer, is_number, json_type, short

Out = list[tuple[str, str, str | None]]
_W023 = frozenset(("revenue", "value", "currency"))  # W023 covers these on every track call


def _check_object(
    obj: dict[str, Any], shape: dict[str, PropType], path: str, event: str, out: Out
) -> None:
    for k, v in obj.items():
        pt = shape.get(k)
        if pt is not None and v is not None and not pt.ok(v):
            out.append(
                (
                    "W024",
                    f"{event}: {path}.{k} should be {describe(pt.code)}, got "
                    f"{json_type(v)} {short(v, 24)!r}",
                    f"{path}.{k}",
                )
            )


@check("W024", "E018", "W025", "W047", "I006", types=("track",), order=40)
def semantic(m: dict[str, Any], x: Ctx, out: Out) -> None:
    """Looks the event up in the spec catalogue once and runs the semantic rules."""
    name: str = m.get("event")  # type: ignore[assignment]  # only used when spec is found
    spec = x.cat.events.get(name) if type(name) is str else None
    props = m.get("properties")
    if spec is None:
        if type(props) is dict and "products" in props:
            products_shape(props["products"], out)
        return
    props = props if type(props) is dict else {}
    semantic_types(name, spec, props, out)
    if spec.keys:
        semantic_key(name, spec, props, out)
    if spec.video:
        video_spec(m, x, name, spec, props, out)
    if spec.b2b:
        b2b_group(m, x, name, out)


def products_shape(v: Any, out: Out) -> None:
    """E018 on a non-spec event: products, when present, is an array of objects."""
    if v is None:
        return
    if type(v) is list:
        for i in v:
            if type(i) is not dict:
                break
        else:
            return
    out.append(("E018", "products must be an array of objects", "properties.products"))


def semantic_types(name: str, spec: Any, props: dict[str, Any], out: Out) -> None:
    """W024/E018: spec-defined properties have the spec's types."""
    sprops = spec.props
    for k, v in props.items():
        pt = sprops.get(k)
        if pt is None or v is None or k in _W023:
            continue
        semantic_prop(name, k, v, pt, out)
    if "products" in props and "products" not in sprops:
        products_shape(props["products"], out)


def semantic_prop(name: str, k: str, v: Any, pt: PropType, out: Out) -> None:
    """W024/E018 for one spec-defined property (not None, not one of W023's)."""
    if pt.is_array:
        if type(v) is not list or not all(type(i) is dict for i in v):
            out.append(
                (
                    "E018",
                    f"{k} must be an array of objects, got "
                    f"{json_type(v) if type(v) is not list else 'other items'}",
                    f"properties.{k}",
                )
            )
            return
        for i, item in enumerate(v):
            _check_object(item, pt.items or {}, f"properties.{k}.{i}", name, out)
    elif not pt.ok(v):
        out.append(
            (
                "W024",
                f"{name}: properties.{k} should be {describe(pt.code)}, got "
                f"{json_type(v)} {short(v, 24)!r}",
                f"properties.{k}",
            )
        )
    elif pt.items is not None and type(v) is dict:
        _check_object(v, pt.items, f"properties.{k}", name, out)


def semantic_key(name: str, spec: Any, props: dict[str, Any], out: Out) -> None:
    """W025 (policy, off by default): the event carries its key id."""
    for alts in spec.keys:
        if not any(props.get(a) not in (None, "") for a in alts):
            out.append(
                (
                    "W025",
                    f"{name} without {' or '.join(alts)} cannot be joined downstream",
                    f"properties.{alts[0]}",
                )
            )


def video_spec(
    m: dict[str, Any], x: Ctx, name: str, spec: Any, props: dict[str, Any], out: Out
) -> None:
    """W047: integers, ranges, enums and one session_id per playback."""
    if name != "Video Quality Updated" and not props.get("session_id"):
        out.append(("W047", f"Video spec: {name} has no session_id", "properties.session_id"))
    for k, v in props.items():
        pt = spec.props.get(k)
        if pt is None or v is None:
            continue
        if pt.code == "I" and is_number(v) and not is_integer(v):
            out.append(
                ("W047", f"Video spec: {k} should be an integer, got {v!r}", f"properties.{k}")
            )
        rng = x.cat.ranges.get(k)
        if rng is not None and is_number(v) and not rng[0] <= v <= rng[1]:
            out.append(
                (
                    "W047",
                    f"Video spec: {k}={v!r} is outside {rng[0]:g}–{rng[1]:g}",
                    f"properties.{k}",
                )
            )
        allowed = x.cat.enums.get(k)
        if allowed is not None:
            bad = [
                i for i in (v if type(v) is list else [v]) if type(i) is str and i not in allowed
            ]
            if bad:
                out.append(
                    (
                        "W047",
                        f"Video spec: {k}={short(bad[0])!r} is not one of " + ", ".join(allowed),
                        f"properties.{k}",
                    )
                )
    x.state.video_session(m, props, out)


def b2b_group(m: dict[str, Any], x: Ctx, name: str, out: Out) -> None:
    """I006: B2B events carry context.groupId, once the session looks B2B."""
    if not (x.state.b2b or x.cfg.b2b):
        return
    ctx = m.get("context")
    if not (type(ctx) is dict and ctx.get("groupId")):
        out.append(("I006", f"B2B event '{name}' lacks context.groupId", "context.groupId"))
