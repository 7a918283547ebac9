"""Colours shared by the table, badges, JSON tree and identity views (light and dark)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

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


# -- the application theme ------------------------------------------------------------------
THEMES = ("system", "light", "dark")
_DARK = {
    "Window": "#26282b",
    "WindowText": "#e6e6e6",
    "Base": "#1e1f22",
    "AlternateBase": "#25272a",
    "ToolTipBase": "#2f3136",
    "ToolTipText": "#e6e6e6",
    "PlaceholderText": "#8c8c8c",
    "Text": "#e6e6e6",
    "Button": "#313338",
    "ButtonText": "#e6e6e6",
    "BrightText": "#ff6b6b",
    "Light": "#45474d",
    "Midlight": "#3a3c41",
    "Mid": "#2c2e32",
    "Dark": "#18191b",
    "Shadow": "#0d0d0e",
    "Highlight": "#2f6fc9",
    "HighlightedText": "#ffffff",
    "Link": "#6aa8f0",
    "LinkVisited": "#b08ae0",
}
_DARK_DISABLED = {"WindowText": "#7a7a7a", "Text": "#7a7a7a", "ButtonText": "#7a7a7a"}


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, color in _DARK.items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    for role, color in _DARK_DISABLED.items():
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), QColor(color))
    return pal


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
    return scheme == Qt.ColorScheme.Dark


def apply_theme(theme: str) -> str:
    """Fusion with an explicit palette, so Light and Dark never depend on the desktop (a bare
    X server or ``offscreen`` has no theme at all). ``system`` follows the desktop's colour
    scheme when it reports one, else light. Returns the theme applied (light or dark)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet, or a QCoreApplication (no palette)
        return "light"
    if os.environ.get("QT_STYLE_OVERRIDE") is None and app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    effective = (
        theme if theme in ("light", "dark") else ("dark" if system_prefers_dark() else "light")
    )
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):  # native dialogs and title bars follow, where they can
        hints.setColorScheme(Qt.ColorScheme.Dark if effective == "dark" else Qt.ColorScheme.Light)
    app.setPalette(dark_palette() if effective == "dark" else app.style().standardPalette())
    return effective
