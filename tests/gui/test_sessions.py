"""Clearing is safe: Clear starts a new view, deleting asks first and says how much goes;
sessions exist only once they hold something; Export says what it exports."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from inspector.domain.store import Store
from tests.gui.conftest import session_messages


def _confirm_box(w):
    box = w.findChild(QMessageBox, "confirmDestructive")
    assert box is not None and box.isVisible(), "no confirmation was asked"
    return box


def _answer(box, yes: bool) -> None:
    box.findChild(QPushButton, "confirmYes" if yes else "confirmNo").click()


def _names(w) -> list[str]:
    w.sessions.update_picker()
    combo = w.toolbar.sessions
    return [combo.itemText(i) for i in range(combo.count())]


def test_ctrl_l_starts_a_new_view_and_keeps_the_stored_session(inspector, qtbot):
    h = inspector
    w = h.window
    store = w.service.store
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    first = w.service.session
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    h.wait_until(lambda: w.service.session.id != first.id, what="a new live session")
    assert h.rows == 0 and w.stack.currentWidget() is w.first_run
    assert store.count_events(first.id) == 7  # nothing was deleted
    assert w.findChild(QMessageBox, "confirmDestructive") is None  # nothing to ask
    assert "keeps its 7 events" in w.statusBar().currentMessage()
    names = _names(w)
    assert f"{first.name} — 7 events" in names
    assert any(n.endswith("(live)") for n in names)
    # the new view is live: new events land in it, not in the old session
    h.batch(session_messages(n_track=2))
    h.wait_until(lambda: h.rows == 8)
    assert store.count_events(first.id) == 7
    # a second Clear on a view that holds nothing yet makes no empty session
    w.sessions.clear_session()
    h.wait_until(lambda: h.rows == 0)
    second = w.service.session
    w.sessions.clear_session()  # empty now: stays on the same session
    h.wait(0.1)
    assert w.service.session.id == second.id
    assert len(store.list_sessions()) == 3


def test_deleting_the_live_session_asks_with_the_count_and_cancel_keeps_it(inspector):
    h = inspector
    w = h.window
    store = w.service.store
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    live = w.service.session
    w.toolbar.delete_session.trigger()
    box = _confirm_box(w)
    assert "7 events" in box.text() and live.name in box.text()
    assert "cannot be restored" in box.informativeText()
    assert box.defaultButton().objectName() == "confirmNo"  # Enter keeps the data
    _answer(box, yes=False)
    h.wait(0.1)
    assert store.count_events(live.id) == 7 and h.rows == 7
    w.toolbar.delete_session.trigger()
    _answer(_confirm_box(w), yes=True)
    h.wait_until(lambda: store.find_session(live.id) is None, what="session deleted")
    assert w.service.session.id != live.id and h.rows == 0
    assert "Deleted the session" in w.statusBar().currentMessage()
    # the collector goes on, into the new session
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    assert store.count_events(w.service.session.id) == 7


def test_deleting_a_session_from_the_picker_asks_first(make_inspector, tmp_path):
    data = str(tmp_path / "shared")
    h1 = make_inspector(data_dir=data, session="yesterday")
    h1.batch(session_messages(n_track=2))
    h1.wait_until(lambda: h1.rows == 8)
    h1.run(h1.window.controller.stop())
    h2 = make_inspector(data_dir=data, session="today")
    w = h2.window
    store = w.service.store
    names = _names(w)
    row = next(i for i, n in enumerate(names) if n.startswith("yesterday"))
    menu = w.toolbar.sessions.session_menu(row)
    act = next(a for a in menu.actions() if a.objectName() == "deleteSession")
    assert "yesterday" in act.text()
    act.trigger()
    box = _confirm_box(w)
    assert "yesterday" in box.text() and "8 events" in box.text()
    _answer(box, yes=True)
    h2.wait_until(lambda: store.find_session("yesterday") is None, what="deleted")
    assert not any(n.startswith("yesterday") for n in _names(w))
    menu.deleteLater()


def test_a_stored_session_viewed_read_only_offers_delete_which_asks(make_inspector, tmp_path):
    data = str(tmp_path / "shared")
    h1 = make_inspector(data_dir=data, session="old")
    h1.batch(session_messages(n_track=1))
    h1.wait_until(lambda: h1.rows == 7)
    h1.run(h1.window.controller.stop())
    h2 = make_inspector(data_dir=data, session="new")
    w = h2.window
    old = w.service.store.find_session("old")
    w.sessions.view_session(old.id)
    button = next(b for b in w.banner.buttons if b.text().startswith("Delete"))
    button.click()
    box = _confirm_box(w)
    assert "7 events" in box.text()
    _answer(box, yes=True)
    h2.wait_until(lambda: w.service.store.find_session(old.id) is None)
    assert w.feed.live  # back on the live session


def test_no_empty_session_per_launch_and_none_listed(make_inspector, tmp_path):
    from inspector.gui.main import shutdown

    data = str(tmp_path / "shared")
    for _ in range(2):  # two launches that receive nothing
        h = make_inspector(data_dir=data)
        h.run(shutdown(h.window))
    probe = Store(data)
    assert probe.list_sessions() == []
    # a session left empty by a window that was killed is not listed either
    probe.open_session("left over by a crash")
    probe.close()
    h = make_inspector(data_dir=data, session="kept")
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    names = _names(h.window)
    assert names == ["kept (live)"]


def test_export_says_whether_the_filter_applies_and_lets_the_user_choose(inspector, tmp_path):
    h = inspector
    w = h.window
    h.batch(session_messages(n_track=3))
    h.wait_until(lambda: h.rows == 9)
    w.filter_bar.set_text("type:track")
    h.settle()
    dlg = w.dialogs.export_dialog()
    assert dlg.filtered.isChecked() and "4 events" in dlg.filtered.text()
    assert "type:track" in dlg.filtered.text()
    assert "All 9 events" in dlg.all.text()
    # the file goes to a real folder, not the process's working directory
    assert os.path.dirname(dlg.chosen_path()) != os.getcwd()
    out = tmp_path / "all.ndjson"
    dlg.path.setText(str(out))
    dlg.all.setChecked(True)
    dlg.export_btn.click()
    assert len(out.read_text().splitlines()) == 9
    assert "all of the session" in w.statusBar().currentMessage()
    # the folder is remembered for the next export
    dlg2 = w.dialogs.export_dialog()
    assert os.path.dirname(dlg2.chosen_path()) == str(tmp_path)
    out2 = tmp_path / "tracks.ndjson"
    dlg2.path.setText(str(out2))
    dlg2.export_btn.click()
    lines = [json.loads(x) for x in out2.read_text().splitlines()]
    assert len(lines) == 4 and {m["type"] for m in lines} == {"track"}
    assert "matching type:track" in w.statusBar().currentMessage()
    # without a filter there is nothing to choose
    w.filter_bar.set_text("")
    dlg3 = w.dialogs.export_dialog()
    assert dlg3.all.isChecked() and not dlg3.filtered.isEnabled()
    dlg3.reject()
