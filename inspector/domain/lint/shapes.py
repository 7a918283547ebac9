"""Fast-path variants of checks whose work depends mostly on a message's *shape*: which keys
its properties have and the JSON types of their values.

A client sends the same few shapes event after event, so what the types alone decide is
worked out once per shape; only what depends on the values themselves (dates, arrays of
objects, nested objects) is checked on each message. The plain engine runs the checks
these stand in for (:data:`inspector.domain.lint.fastpath.FAST`); the fast-path tests
compare the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.rules_semantic import (
    _W023,
    _check_object,
    b2b_group,
    products_shape,
    semantic_key,
    semantic_prop,
    semantic_types,
    video_spec,
)
from inspector.domain.lint.specdata import PropType, describe
from inspector.domain.lint.values import json_type, short

Out = list[tuple[str, str, str | None]]
# spec type codes whose answer the value's type alone gives (the value is not None)
_BY_TYPE: dict[str, frozenset[type]] = {
    "S": frozenset({str}),
    "N": frozenset({int, float}),
    "I": frozenset({int, float}),
    "B": frozenset({bool}),
    "O": frozenset({dict}),
    "A": frozenset({list}),
}
_SHAPES_MAX = 20000
# (id of the spec event, keys, value types) -> (the spec event, what to check per message):
# None = a type is wrong for the spec (the plain check runs and says so)
_Plan = tuple[tuple[tuple[int, str, PropType], ...], bool] | None
_SHAPES: dict[tuple[Any, ...], tuple[Any, _Plan]] = {}


def shape_plan(spec: Any, keys: tuple[str, ...], types: tuple[type, ...]) -> _Plan:
    """The properties to check value by value (position, key, spec type), and whether a
    non-spec ``products`` array is to be checked; None when the types alone fail a check."""
    sprops = spec.props
    needs = []
    for i, (k, t) in enumerate(zip(keys, types, strict=True)):
        pt = sprops.get(k)
        if pt is None or t is type(None) or k in _W023:
            continue
        allowed = _BY_TYPE.get(pt.code) if pt.items is None and not pt.is_array else None
        if allowed is None:
            needs.append((i, k, pt))
        elif t not in allowed:
            return None
    return tuple(needs), "products" in keys and "products" not in sprops


def semantic_types_by_shape(name: str, spec: Any, props: dict[str, Any], x: Ctx, out: Out) -> None:
    """:func:`~inspector.domain.lint.rules_semantic.semantic_types`, with what the value
    types decide looked up per shape."""
    keys = tuple(props)
    vals = tuple(props.values())
    types = tuple(map(type, vals))
    x.shape = (props, keys, types)
    key = (id(spec), keys, types)
    found = _SHAPES.get(key)
    if found is None or found[0] is not spec:
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        found = _SHAPES[key] = (spec, shape_plan(spec, keys, types))
    by_plan(name, spec, found[1], props, vals, out)


def by_plan(
    name: str, spec: Any, plan: _Plan, props: dict[str, Any], vals: tuple[Any, ...], out: Out
) -> None:
    """semantic_types on ``props`` (``vals``: its values) by the plan of its shape."""
    if plan is None:
        semantic_types(name, spec, props, out)
        return
    needs, products = plan
    for i, k, pt in needs:
        v = vals[i]
        if pt.is_array and type(v) is list:
            for it in v:
                if type(it) is not dict:
                    semantic_prop(name, k, v, pt, out)
                    break
            else:  # as semantic_prop does, each item (all objects) by its shape
                shape = pt.items or {}
                for j, item in enumerate(v):
                    _object_by_shape(item, shape, k, j, name, out)
        else:
            semantic_prop(name, k, v, pt, out)
    if products:
        products_shape(props["products"], out)


# (id of the object's spec shape, keys, value types) -> (that shape, keys to check by value
# (position, key, spec type), or None: a type is wrong, the plain check runs and says so)
_ITEMS: dict[tuple[Any, ...], tuple[Any, tuple[tuple[int, str, PropType], ...] | None]] = {}


def _item_plan(
    shape: dict[str, PropType], keys: tuple[str, ...], types: tuple[type, ...]
) -> tuple[tuple[int, str, PropType], ...] | None:
    needs = []
    for i, (k, t) in enumerate(zip(keys, types, strict=True)):
        pt = shape.get(k)
        if pt is None or t is type(None):
            continue
        if pt.items is not None:  # an array of objects or an object: its ok() is by type
            allowed: frozenset[type] | None = frozenset({list if pt.is_array else dict})
        else:
            allowed = _BY_TYPE.get(pt.code)
        if allowed is None:
            needs.append((i, k, pt))
        elif t not in allowed:
            return None
    return tuple(needs)


def _object_by_shape(
    item: dict[str, Any], shape: dict[str, PropType], k: str, j: int, name: str, out: Out
) -> None:
    """``_check_object`` on one item of an array of objects, by the item's shape."""
    keys = tuple(item)
    types = tuple(map(type, item.values()))
    key = (id(shape), keys, types)
    found = _ITEMS.get(key)
    if found is None or found[0] is not shape:
        if len(_ITEMS) >= _SHAPES_MAX:
            _ITEMS.clear()
        found = _ITEMS[key] = (shape, _item_plan(shape, keys, types))
    needs = found[1]
    if needs is None:
        _check_object(item, shape, f"properties.{k}.{j}", name, out)
        return
    if not needs:
        return
    vals = tuple(item.values())
    for i, ik, pt in needs:
        v = vals[i]
        if not pt.ok(v):
            out.append(
                (
                    "W024",
                    f"{name}: properties.{k}.{j}.{ik} should be {describe(pt.code)}, got "
                    f"{json_type(v)} {short(v, 24)!r}",
                    f"properties.{k}.{j}.{ik}",
                )
            )


def _semantic(keys: bool) -> Callable[[dict[str, Any], Ctx, Out], None]:
    """:func:`inspector.domain.lint.rules_semantic.semantic` by shape; ``keys=False`` when
    W025 is disabled (its key check reports nothing else)."""

    def semantic(m: dict[str, Any], x: Ctx, out: Out) -> None:
        name: str = m.get("event")  # type: ignore[assignment]  # only used when spec is found
        spec = x.cat.events.get(name) if type(name) is str else None
        props = m.get("properties")
        if spec is None:
            if type(props) is dict and "products" in props:
                products_shape(props["products"], out)
            return
        props = props if type(props) is dict else {}
        semantic_types_by_shape(name, spec, props, x, out)
        if keys and spec.keys:
            semantic_key(name, spec, props, out)
        if spec.video:
            video_spec(m, x, name, spec, props, out)
        if spec.b2b:
            b2b_group(m, x, name, out)

    return semantic


semantic = _semantic(keys=True)
semantic_no_keys = _semantic(keys=False)
