"""A collapsible, syntax-coloured JSON tree with copy value / copy path / filter actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMenu, QTreeWidget, QTreeWidgetItem

from inspector.domain import jsoncodec
from inspector.gui.theme import json_colors
from inspector.gui.widgets.filter_bar import quote_value

PATH_ROLE = Qt.ItemDataRole.UserRole
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
FIRST = (
    "type",
    "event",
    "name",
    "properties",
    "traits",
    "userId",
    "anonymousId",
    "groupId",
    "previousId",
)
LAST = ("context", "integrations", "_metadata")
MAX_CHILDREN = 2000


def ordered_keys(d: dict[str, Any], top: bool) -> list[str]:
    if not top:
        return list(d)
    first = [k for k in FIRST if k in d]
    last = [k for k in LAST if k in d]
    middle = [k for k in d if k not in first and k not in last]
    return first + middle + last


def scalar_text(v: Any) -> str:
    if isinstance(v, str):
        return jsoncodec.dumps_str(v)
    return jsoncodec.dumps_str(v)


class JsonTree(QTreeWidget):
    filterRequested = Signal(str)  # a query term such as properties.plan:pro or -userId:x

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Key", "Value"])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.header().setStretchLastSection(True)
        self.setColumnWidth(0, 200)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemClicked.connect(self._clicked)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF())
        self.setFont(mono)
        self._filterable = True

    def set_json(self, data: Any, *, filterable: bool = True, expand_top: bool = True) -> None:
        self._filterable = filterable
        self.setUpdatesEnabled(False)
        self.clear()
        colors = json_colors()
        root = self.invisibleRootItem()
        if isinstance(data, dict):
            for k in ordered_keys(data, True):
                self._add(root, k, data[k], k, colors)
        elif isinstance(data, list):
            for i, v in enumerate(data[:MAX_CHILDREN]):
                self._add(root, f"[{i}]", v, str(i), colors)
        else:
            self._add(root, "", data, "", colors)
        if expand_top:
            for i in range(root.childCount()):
                it = root.child(i)
                if it is not None and it.data(0, PATH_ROLE) not in LAST:
                    it.setExpanded(True)
        self.setUpdatesEnabled(True)

    def _add(
        self, parent: QTreeWidgetItem, key: str, value: Any, path: str, colors: dict[str, Any]
    ) -> None:
        it = QTreeWidgetItem(parent)
        it.setText(0, key)
        it.setForeground(0, colors["key"])
        it.setData(0, PATH_ROLE, path)
        it.setData(0, VALUE_ROLE, value if not isinstance(value, (dict, list)) else None)
        if isinstance(value, dict):
            it.setText(1, f"{{{len(value)} keys}}" if value else "{}")
            it.setForeground(1, colors["meta"])
            for k in ordered_keys(value, False)[:MAX_CHILDREN]:
                self._add(it, k, value[k], f"{path}.{k}" if path else k, colors)
        elif isinstance(value, list):
            it.setText(1, f"[{len(value)} items]" if value else "[]")
            it.setForeground(1, colors["meta"])
            for i, v in enumerate(value[:MAX_CHILDREN]):
                self._add(it, f"[{i}]", v, f"{path}.{i}" if path else str(i), colors)
        else:
            it.setText(1, scalar_text(value))
            kind = (
                "null"
                if value is None
                else "bool"
                if isinstance(value, bool)
                else "num"
                if isinstance(value, (int, float))
                else "str"
            )
            it.setForeground(1, colors[kind])
            it.setToolTip(1, it.text(1)[:2000])

    # -- actions --------------------------------------------------------------------------
    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 1 and item.childCount() == 0 and self._filterable:
            from PySide6.QtCore import QPoint

            rect = self.visualItemRect(item)
            self._menu_for(item, QPoint(self.columnViewportPosition(1) + 8, rect.bottom()))

    def _menu(self, pos: Any) -> None:
        item = self.itemAt(pos)
        if item is not None:
            self._menu_for(item, pos)

    def term(self, item: QTreeWidgetItem, exclude: bool = False) -> str | None:
        path = item.data(0, PATH_ROLE)
        if not path or item.childCount():
            return None
        value = item.data(0, VALUE_ROLE)
        text = (
            "null"
            if value is None
            else (("true" if value else "false") if isinstance(value, bool) else str(value))
        )
        return f"{'-' if exclude else ''}{path}:{quote_value(text)}"

    def build_menu(self, item: QTreeWidgetItem) -> QMenu:
        menu = QMenu(self)
        value = item.data(0, VALUE_ROLE)
        path = item.data(0, PATH_ROLE) or ""
        menu.addAction(
            "Copy value",
            lambda: QGuiApplication.clipboard().setText(
                value if isinstance(value, str) else item.text(1)
            ),
        )
        menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(path))
        if self._filterable and self.term(item):
            menu.addSeparator()
            inc, exc = self.term(item), self.term(item, exclude=True)
            a = menu.addAction(
                f"Filter to this value   {inc}", lambda: self.filterRequested.emit(inc)
            )
            a.setObjectName("filterTo")
            b = menu.addAction(
                f"Exclude this value   {exc}", lambda: self.filterRequested.emit(exc)
            )
            b.setObjectName("exclude")
        return menu

    def _menu_for(self, item: QTreeWidgetItem, pos: Any) -> None:
        self.build_menu(item).popup(self.viewport().mapToGlobal(pos))


def mono_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
