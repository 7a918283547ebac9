"""A parsed query back as text, and its top-level AND-terms (for "failed: …" in misses)."""

from __future__ import annotations

from inspector.domain.query.ast import (
    LINT_LEVELS,
    And,
    ColumnTerm,
    Compare,
    DupTerm,
    FreeText,
    HasTerm,
    LintTerm,
    MatchAll,
    Node,
    Not,
    Or,
    PathTerm,
    Regex,
    Text,
    Value,
)

_LEVEL_NAME = {v: k for k, v in LINT_LEVELS.items()}


def _value(v: Value) -> str:
    if isinstance(v, Text):
        if v.quoted or not v.text or any(c.isspace() or c in '"()' for c in v.text):
            return '"' + v.text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return v.text
    if isinstance(v, Regex):
        return "/" + v.pattern.replace("/", "\\/") + "/" + ("i" if v.ignore_case else "")
    assert isinstance(v, Compare)
    return f"{v.op}{v.operand}"


def render(node: Node, nested: bool = False) -> str:
    """Query text that parses to ``node`` (spacing and quoting normalised)."""
    if isinstance(node, MatchAll):
        return ""
    if isinstance(node, And):
        text = " ".join(render(i, True) for i in node.items)
        return f"({text})" if nested else text
    if isinstance(node, Or):
        text = " or ".join(render(i, True) for i in node.items)
        return f"({text})" if nested else text
    if isinstance(node, Not):
        return "-" + render(node.item, True)
    if isinstance(node, FreeText):
        return _value(node.value)
    if isinstance(node, ColumnTerm):
        return f"{node.field}:{_value(node.value)}"
    if isinstance(node, PathTerm):
        return f"{'.'.join(node.path)}:{_value(node.value)}"
    if isinstance(node, HasTerm):
        return "has:" + ".".join(node.path)
    if isinstance(node, DupTerm):
        return f"dup:{'true' if node.dup else 'false'}"
    assert isinstance(node, LintTerm)
    level = _LEVEL_NAME.get(node.level, str(node.level))
    if node.op == "has":
        return f"lint:{level}"
    if node.op == "none":
        return "lint:none"
    return f"lint:{node.op}{level}"


def and_terms(node: Node) -> list[Node]:
    """The top-level AND-terms of a query (one term when it is not an AND)."""
    if isinstance(node, And):
        return list(node.items)
    if isinstance(node, MatchAll):
        return []
    return [node]


def wanted_names(node: Node) -> list[str]:
    """The event/page names a query asks for by equality (``event:X``, ``name:X``)."""
    out = []
    for t in and_terms(node):
        if (
            isinstance(t, ColumnTerm)
            and t.field in ("event", "name")
            and isinstance(t.value, Text)
            and not t.value.is_glob
        ):
            out.append(t.value.text)
    return out


def wanted_types(node: Node) -> list[str]:
    return [
        t.value.text.lower()
        for t in and_terms(node)
        if isinstance(t, ColumnTerm) and t.field == "type" and isinstance(t.value, Text)
    ]
