"""Colours shared by the table, badges, JSON tree and identity views (light and dark)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

TYPE_COLORS = {
    "track": "#2f7de1",
    "identify": "#8e44ad",
    "page": "#16a085",
    "screen": "#0e9f6e",
    "group": "#d35400",
    "alias": "#c0392b",
}
LINT_COLORS = {3: "#d64541", 2: "#e0a800", 1: "#5b8def"}
LINT_LETTER = {3: "E", 2: "W", 1: "i"}
LINT_NAME = {3: "error", 2: "warning", 1: "info", 0: ""}


def type_color(t: str) -> QColor:
    return QColor(TYPE_COLORS.get(t, "#7f8c8d"))


def is_dark() -> bool:
    pal = QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def json_colors() -> dict[str, QColor]:
    if is_dark():
        return {
            "key": QColor("#9cdcfe"),
            "str": QColor("#ce9178"),
            "num": QColor("#b5cea8"),
            "bool": QColor("#569cd6"),
            "null": QColor("#808080"),
            "meta": QColor("#808080"),
        }
    return {
        "key": QColor("#1f4e8c"),
        "str": QColor("#a31515"),
        "num": QColor("#098658"),
        "bool": QColor("#0000ff"),
        "null": QColor("#7f7f7f"),
        "meta": QColor("#7f7f7f"),
    }


def muted() -> QColor:
    c = QGuiApplication.palette().color(QPalette.ColorRole.Text)
    c.setAlpha(140)
    return c
