"""The window is composed, not mixed in: it owns one object per concern (settings, the live
table, sessions, dialogs, what shows), each given the widgets and services it acts on, and they
share state through those objects, never through copies."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from inspector.gui.settings import load_settings
from inspector.gui.window import MainWindow
from inspector.gui.window_dialogs import WindowDialogs
from inspector.gui.window_sessions import SessionActions
from inspector.gui.window_settings import SettingsActions
from inspector.gui.window_shown import WhatShows
from inspector.gui.window_table import TableActions

from .conftest import session_messages

PARTS = {
    "prefs": SettingsActions,
    "table_actions": TableActions,
    "sessions": SessionActions,
    "dialogs": WindowDialogs,
    "shows": WhatShows,
}


def test_the_window_inherits_only_from_qt_and_owns_a_part_per_concern(inspector):
    assert MainWindow.__bases__ == (QMainWindow,)
    w = inspector.window
    for name, cls in PARTS.items():
        part = getattr(w, name)
        assert type(part) is cls
        # the window only as the parent of the dialogs a part opens: nothing reaches back
        # into it for its widgets
        holds_window = {k for k, v in vars(part).items() if v is w}
        assert holds_window <= {"parent"}, (name, holds_window)


def test_a_filter_remembered_after_new_settings_keeps_them(inspector, qtbot, tmp_path):
    """Settings are replaced when the dialog is accepted: what the table remembers later
    (a recent filter) and the dialog folders land in the new settings, saved together."""
    h = inspector
    w = h.window
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    new = w.settings.model_copy(deep=True)
    new.first_run_dismissed = not w.settings.first_run_dismissed
    new.allow_hosts = ["inspector.test"]
    c = w.controller
    w.prefs.apply_settings(new, {"host": c.host, "port": c.port})
    assert w.settings is new
    fb = w.filter_bar
    fb.edit.setFocus()
    fb.edit.clear()
    qtbot.keyClicks(fb.edit, "type:track")
    h.wait(0.35)
    fb.completer.popup().hide()
    qtbot.keyClick(fb.edit, Qt.Key.Key_Return)  # executed: remembered
    folder = tmp_path / "exports"
    folder.mkdir()
    w.dirs.remember("export", str(folder / "out.ndjson"))
    saved = load_settings()
    assert saved.allow_hosts == ["inspector.test"]
    assert saved.first_run_dismissed == new.first_run_dismissed
    assert saved.recent_filters == ["type:track"]
    assert saved.dialog_dirs.get("export") == str(folder)
    assert fb.history == ["type:track"]
