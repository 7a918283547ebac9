"""Settings in effect, the port the banner offers remembered, themes without a desktop theme,
a layout that works from 1024 px (toolbar, panes, lint panel), the Faults dialog."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from inspector.gui.settings import AppSettings, load_settings, save_settings
from inspector.gui.theme import apply_theme
from tests.gui.conftest import session_messages


@pytest.fixture
def light_again():
    yield
    apply_theme("light")


def _lightness(role=QPalette.ColorRole.Window) -> int:
    return QApplication.palette().color(role).lightness()


def test_settings_show_the_values_in_effect_from_the_command_line(make_inspector, tmp_path):
    saved_dir = tmp_path / "saved-data"
    save_settings(AppSettings(port=8787, data_dir=str(saved_dir)))
    run_dir = tmp_path / "run-data"
    h = make_inspector(port=0, data_dir=str(run_dir))  # both given, as --port 0 --data-dir …
    w = h.window
    bound = w.controller.port
    assert bound not in (0, 8787)
    dlg = w.prefs.open_settings()
    assert dlg.port.value() == bound  # what it listens on, not the saved 8787
    assert dlg.data_dir.text() == str(run_dir)
    origin = dlg.origin.text()
    assert dlg.origin.isVisibleTo(dlg)
    assert f"--port {bound}" in origin and "saved setting: 8787" in origin
    assert f"--data-dir {run_dir}" in origin
    # OK without changes: nothing restarts, the saved settings stay as they were
    dlg.theme.setCurrentIndex(dlg.theme.findData("light"))
    dlg.accept()
    h.wait(0.1)
    assert w.controller.port == bound and w.controller.running
    kept = load_settings()
    assert kept.port == 8787 and kept.data_dir == str(saved_dir) and kept.theme == "light"
    # a value changed here is saved and applied
    dlg = w.prefs.open_settings()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    dlg.port.setValue(free)
    dlg.accept()
    h.wait_until(lambda: w.controller.running and w.controller.port == free, what="restart")
    assert load_settings().port == free


def test_without_command_line_values_the_saved_settings_apply(make_inspector, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    save_settings(AppSettings(port=free, data_dir=str(tmp_path / "d")))
    h = make_inspector(given=set(), host="0.0.0.0", port=1, data_dir="/nowhere")
    w = h.window
    assert w.controller.host == "127.0.0.1" and w.controller.port == free
    assert str(w.service.store.data_dir) == str(tmp_path / "d")
    dlg = w.prefs.open_settings()
    assert not dlg.origin.isVisibleTo(dlg)
    dlg.close()


def test_use_port_from_the_busy_banner_is_remembered(make_inspector):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    save_settings(AppSettings(port=port))
    try:
        h = make_inspector(given=set())
        w = h.window
        assert not w.controller.running
        use = next(b for b in w.banner.buttons if b.text().startswith("Use port"))
        new_port = int(use.text().split()[-1])
        use.click()
        h.wait_until(lambda: w.controller.running, what="collector restarted")
        assert w.controller.port == new_port
        assert load_settings().port == new_port  # remembered for the next launch
        assert w.prefs.open_settings().port.value() == new_port
    finally:
        busy.close()


def test_dark_theme_applies_without_a_desktop_theme(inspector, light_again):
    w = inspector.window
    app = QApplication.instance()
    assert app.platformName() == "offscreen"  # no desktop, no platform theme
    apply_theme("light")
    assert app.style().name().lower() == "fusion"
    assert _lightness() > 180
    dlg = w.prefs.open_settings()
    dlg.theme.setCurrentIndex(dlg.theme.findData("dark"))
    dlg.accept()
    inspector.wait(0.05)  # widgets receive the palette change as an event
    assert _lightness() < 80 and _lightness(QPalette.ColorRole.Base) < 60
    assert _lightness(QPalette.ColorRole.Text) > 180
    assert w.table.palette().color(QPalette.ColorRole.Base).lightness() < 60
    assert load_settings().theme == "dark"
    img = w.grab().toImage()
    corner = img.pixelColor(img.width() // 2, img.height() - 40)
    assert corner.lightness() < 90  # what is painted is dark, not only the palette
    apply_theme("light")
    assert _lightness() > 180


def test_from_1024_px_settings_stay_reachable_and_panes_fold(inspector):
    h = inspector
    w = h.window
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    for width, height in ((1024, 640), (900, 600)):
        w.resize(width, height)
        h.wait(0.05)
        w.shows.tick()
        tb = w.toolbar
        button = tb.widgetForAction(tb.settings)
        assert button.isVisible() and button.geometry().right() <= tb.width()
        assert tb.panes.isVisible()
        assert not w.pane_shown(0)  # the lint panel folded …
        assert w.splitter.sizes()[2] >= 300  # … the detail pane readable
        assert w.table.horizontalScrollBar().maximum() == 0  # the columns fit
    # the lint panel comes back from the Panes menu, and stays when chosen
    w.toolbar.show_lint.trigger()
    assert w.pane_shown(0)
    w.resize(1000, 640)
    assert w.pane_shown(0)
    # one line per rule, never wrapped
    panel = w.lint_panel
    assert not panel.view.wordWrap()
    rows = panel.model.rowCount()
    assert rows and all(
        panel.view.rowHeight(r) == panel.view.verticalHeader().defaultSectionSize()
        for r in range(rows)
    )
    w.resize(1600, 900)
    h.wait(0.05)
    assert w.pane_shown(0) and w.pane_shown(2)
    from PySide6.QtCore import Qt

    assert w.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_faults_dialog_is_wide_enough_and_deletes_one_rule(inspector):
    h = inspector
    w = h.window
    dlg = w.dialogs.open_faults()
    assert dlg.width() >= 640
    for code in (429, 503):
        dlg.status.setCurrentIndex(dlg.status.findData(code))
        dlg.write_key.setText("wk_backend_with_a_long_name")
        dlg.count.setValue(3)
        assert dlg.add_rule() is not None
    assert dlg.rules.count() == 2
    text = dlg.rules.item(0).text()
    assert "wk_backend_with_a_long_name" in text
    fm = dlg.rules.fontMetrics()
    assert fm.horizontalAdvance(text) < dlg.rules.viewport().width()  # no clipped rule text
    assert not dlg.delete_btn.isEnabled()
    dlg.rules.setCurrentRow(0)
    assert dlg.delete_btn.isEnabled()
    dlg.delete_btn.click()
    assert [r.status for r in w.service.faults.rules] == [503]
    dlg.clear_btn.click()  # clearing all asks first
    box = dlg.findChild(QMessageBox, "confirmDestructive")
    assert box is not None and "1 fault rule" in box.text()
    box.findChild(QPushButton, "confirmYes").click()
    assert w.service.faults.rules == []
    dlg.close()


def test_the_command_line_says_which_collector_flags_were_given():
    from inspector.cli import build_parser

    p = build_parser()
    args = p.parse_args(["--port", "9000"])
    assert args.given == {"port"} and args.host == "127.0.0.1"
    assert p.parse_args([]).given == set()
    args = p.parse_args(["serve", "--host", "0.0.0.0", "--data-dir", "/tmp/x"])
    assert args.given == {"host", "data_dir"}
