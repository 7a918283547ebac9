"""The window's layout kept across runs (QSettings, ``window.ini`` in the config directory):
geometry, the side panes' splitter, the events table's columns, the People view's splitter.
Settings proper are :mod:`inspector.gui.settings`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from inspector.gui.window import MainWindow

HEADER_KEY = "events_header_v2"  # columns changed (Lint moved forward, Dup added)


def qsettings(config_dir: Path | None) -> QSettings:
    from inspector import paths

    d = config_dir or paths.config_dir()
    return QSettings(str(d / "window.ini"), QSettings.Format.IniFormat)


def restore_state(w: MainWindow) -> None:
    qs = qsettings(w.config_dir)
    for key, fn in (
        ("geometry", w.restoreGeometry),
        ("splitter", w.splitter.restoreState),
        (HEADER_KEY, w.table.horizontalHeader().restoreState),
        ("people", w.people.splitter.restoreState),
    ):
        v = qs.value(key)
        if v is not None:
            fn(v)
            w.panes.restored |= key == "splitter"
    w.table.user_sized = qs.value("events_columns_manual") in (True, "true")


def save_state(w: MainWindow) -> None:
    qs = qsettings(w.config_dir)
    qs.setValue("geometry", w.saveGeometry())
    hidden = [p for p in (w.lint_panel, w.detail) if p.isHidden()]
    for p in hidden:  # the first-run layout hides them; save the layout with them
        p.setVisible(True)
    qs.setValue("splitter", w.splitter.saveState())
    for p in hidden:
        p.setVisible(False)
    qs.setValue(HEADER_KEY, w.table.horizontalHeader().saveState())
    qs.setValue("events_columns_manual", w.table.user_sized)
    qs.setValue("people", w.people.splitter.saveState())
    qs.sync()
