"""Find the icons and files shipped with the program (wheel, editable install, PyInstaller)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Qt is imported when an icon is made: finding files needs no Qt
    from PySide6.QtGui import QIcon


@cache
def resource_dir() -> Path | None:
    here = Path(__file__).resolve()
    candidates = [
        here.parent.parent / "_resources",  # wheel: inspector/_resources
        here.parent.parent.parent / "resources",  # editable install: <repo>/resources
    ]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "inspector" / "_resources")
    for c in candidates:
        if (c / "icons").is_dir():
            return c
    return None


def icon_path(name: str) -> Path | None:
    base = resource_dir()
    if base is None:
        return None
    for ext in ("svg", "png"):
        p = base / "icons" / f"{name}.{ext}"
        if p.exists():
            return p
    return None


def app_icon() -> QIcon:
    from PySide6.QtGui import QIcon

    p = icon_path("event-inspector")
    return QIcon(str(p)) if p else QIcon()


# icons the GUI ships in code (same stroke style as resources/icons/*.svg)
_INLINE_SVG = {
    "compare": '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" '
    'viewBox="0 0 24 24" fill="none" stroke="#5f6b7a" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="4" width="7" '
    'height="16" rx="1.5"/><rect x="14" y="4" width="7" height="16" rx="1.5"/>'
    '<path d="M6 9h1M6 13h1M17 9h1M17 13h1M17 17h1" stroke="#2f7de1"/></svg>',
}


def icon(name: str) -> QIcon:
    from PySide6.QtGui import QIcon, QPixmap

    p = icon_path(name)
    if p:
        return QIcon(str(p))
    svg = _INLINE_SVG.get(name)
    if svg is not None:
        pm = QPixmap()
        if pm.loadFromData(svg.encode(), "SVG"):
            return QIcon(pm)
    return QIcon()
