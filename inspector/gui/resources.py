"""Find the icons and files shipped with the program (wheel, editable install, PyInstaller)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


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


def app_icon():  # -> QIcon
    from PySide6.QtGui import QIcon

    p = icon_path("event-inspector")
    return QIcon(str(p)) if p else QIcon()


def icon(name: str):  # -> QIcon
    from PySide6.QtGui import QIcon

    p = icon_path(name)
    return QIcon(str(p)) if p else QIcon()
