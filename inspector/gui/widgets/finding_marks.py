"""The Pretty tree marks the field each lint finding points at: a colour by severity and the
findings as a tooltip. A finding about a field that is missing marks the nearest field that
exists (``properties`` for a missing ``properties.order_id``) and says so."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from inspector.gui.widgets.json_tree import PATH_ROLE

SEV_COLORS = {"error": "#d64541", "warning": "#e0a800", "info": "#5b8def"}
LEVEL = {"error": 3, "warning": 2, "info": 1}
MARKED_ROLE = PATH_ROLE + 10  # the findings shown on an item (tests and tooltips)


def _items(tree: QTreeWidget) -> dict[str, QTreeWidgetItem]:
    out: dict[str, QTreeWidgetItem] = {}
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        it = stack.pop()
        if it is None:
            continue
        path = it.data(0, PATH_ROLE)
        if path:
            out[str(path)] = it
        stack.extend(it.child(i) for i in range(it.childCount()))
    return out


def mark_findings(tree: QTreeWidget, findings: list[Any]) -> dict[str, list[Any]]:
    """Colour and annotate the tree's items for ``findings`` (objects with rule, severity,
    message, path). Returns what was marked, by tree path."""
    items = _items(tree)
    marked: dict[str, list[tuple[Any, bool]]] = {}
    for f in findings:
        path = getattr(f, "path", None)
        if not path:
            continue
        target, exact = path, True
        while target not in items and "." in target:
            target, exact = target.rsplit(".", 1)[0], False
        if target not in items:
            continue
        marked.setdefault(target, []).append((f, exact))
    for target, found in marked.items():
        it = items[target]
        worst = max(found, key=lambda fe: LEVEL.get(fe[0].severity, 0))[0]
        color = QColor(SEV_COLORS.get(worst.severity, "#888"))
        tint = QColor(color)
        tint.setAlpha(60)
        for col in range(tree.columnCount()):
            it.setBackground(col, QBrush(tint))
        it.setForeground(0, QBrush(color))
        lines = []
        for f, exact in found:
            where = "" if exact else f" ({f.path} is not in the message)"
            lines.append(f"{f.rule} {f.severity}: {f.message}{where}")
        tip = "\n".join(lines)
        for col in range(tree.columnCount()):
            it.setToolTip(col, tip)
        it.setData(0, MARKED_ROLE, [f.rule for f, _ in found])
        parent = it.parent()
        while parent is not None:  # keep a marked field in view
            parent.setExpanded(True)
            parent = parent.parent()
    return {k: [f for f, _ in v] for k, v in marked.items()}
