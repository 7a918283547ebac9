"""The real window with its collector: events posted over HTTP become rows, details, counts."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.gui.conftest import session_messages


def test_posted_events_become_rows(inspector):
    h = inspector
    assert h.window.stack.currentWidget() is h.window.first_run
    status, _ = h.batch(session_messages())
    assert status == 200
    h.wait_until(lambda: h.rows == 9, what="9 rows")
    assert h.window.stack.currentWidget() is h.window.table
    model = h.window.feed.model
    types = [model.index(r, 1).data() for r in range(h.rows)]
    assert set(types) == {"identify", "track", "page", "screen", "group", "alias"}
    assert model.index(2, 2).data() == "Order Completed"
    assert model.index(2, 3).data() == "user-42"
    assert "analytics-python" in model.index(0, 5).data()
    assert "W••••••T" in model.index(0, 5).data()  # the write key, masked (WK_TEST)
    h.window.shows.tick()
    assert h.window.status.labels["events"].text() == "9 events"


def test_selecting_a_row_fills_every_tab(inspector):
    h = inspector
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    h.window.table.select_row(2)
    d = h.window.detail
    assert d.shown_event is not None and d.shown_event.type == "track"
    assert d.title.text() == "Order Completed"
    # Pretty: properties first, context last, values present
    tree = d.tree
    top = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert top.index("properties") < top.index("context")
    assert top[-1] in ("context", "integrations", "_metadata")
    raw = d.raw.toPlainText()
    assert raw.startswith("POST /v1/batch")
    assert "item 3 of 9 in the batch" in raw
    assert "V0tfVEVTVDo=" not in raw  # the Basic credential is masked
    assert "Authorization" in raw or "authorization" in raw.lower()
    assert '"Order Completed"' in raw
    lint_html = d.lint.toHtml()
    assert lint_html  # findings or "no findings"


def test_copy_selected_as_json(inspector):
    h = inspector
    h.batch(session_messages(n_track=2))
    h.wait_until(lambda: h.rows == 8)
    h.window.table.selectAll()
    h.window.table.copy_selected()
    data = json.loads(QGuiApplication.clipboard().text())
    assert isinstance(data, list) and len(data) == 8
    assert data[0]["type"] == "page"


def test_pause_holds_rows_while_the_collector_stores(inspector):
    h = inspector
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    h.window.table_actions.set_paused(True)
    assert h.window.toolbar.pause.text() == "Resume"
    status, _ = h.batch(session_messages(n_track=5))
    assert status == 200
    store = h.window.service.store
    sid = h.window.service.session.id
    h.wait_until(lambda: store.count_events(sid) == 18, what="events stored")
    h.wait(0.2)
    assert h.rows == 7  # nothing new in the table
    assert h.window.feed.held == 11
    h.window.table_actions.set_paused(False)
    h.wait_until(lambda: h.rows == 18, what="held rows after resume")
    ids = list(h.window.feed.model.rows.ids)
    assert ids == sorted(ids)


def test_space_toggles_pause_and_ctrl_l_clears(inspector, qtbot):
    h = inspector
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    h.window.table.setFocus()
    qtbot.keyClick(h.window.table, Qt.Key.Key_Space)
    assert h.window.feed.paused
    qtbot.keyClick(h.window.table, Qt.Key.Key_Space)
    assert not h.window.feed.paused
    qtbot.keyClick(h.window.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    h.wait_until(
        lambda: (
            h.rows == 0
            and h.window.service.store.count_events(h.window.service.session.id) == 0
            and h.window.stack.currentWidget() is h.window.first_run
        ),
        what="cleared, the first-run panel back",
    )


def test_next_and_previous_event_keys(inspector, qtbot):
    h = inspector
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    t = h.window.table
    t.setFocus()
    t.select_row(0)
    qtbot.keyClick(t, Qt.Key.Key_J)
    assert t.currentIndex().row() == 1
    qtbot.keyClick(t, Qt.Key.Key_J)
    assert t.currentIndex().row() == 2
    qtbot.keyClick(t, Qt.Key.Key_K)
    assert t.currentIndex().row() == 1
    qtbot.keyClick(t, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert t.currentIndex().row() == 2
    assert h.window.detail.shown_event is not None
    qtbot.keyClick(t, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert h.window.filter_bar.edit.hasFocus()


def test_autoscroll_only_at_the_bottom(inspector):
    h = inspector
    h.window.resize(1200, 500)
    h.batch([{"type": "track", "userId": "u", "event": f"E{i}"} for i in range(200)])
    h.wait_until(lambda: h.rows == 200)
    sb = h.window.table.verticalScrollBar()
    assert sb.value() == sb.maximum() > 0
    sb.setValue(0)
    h.batch([{"type": "track", "userId": "u", "event": f"F{i}"} for i in range(50)])
    h.wait_until(lambda: h.rows == 250)
    assert sb.value() == 0


def test_rejected_request_has_its_own_tab(inspector):
    h = inspector
    status, _ = h.post("/v1/batch", raw=b'{"batch": [oops')
    assert status == 400
    h.wait_until(lambda: h.window.feed.requests.rowCount() == 1)
    m = h.window.feed.requests
    assert "rejected" in m.index(0, 4).data()
    h.window.rejected.view.selectRow(0)
    text = h.window.rejected.raw.toPlainText()
    assert "oops" in text and "rejected" in text
    h.window.shows.tick()
    assert h.window.status.labels["rejected"].text().startswith("1 rejected")
    assert "(1)" in h.window.tabs.tabText(1)


def test_export_ndjson_uses_the_filter(inspector, tmp_path):
    h = inspector
    h.batch(session_messages(n_track=3))
    h.wait_until(lambda: h.rows == 9)
    h.window.filter_bar.set_text("type:track")
    assert h.rows == 4
    out = tmp_path / "out.ndjson"
    assert h.window.dialogs.export_ndjson(str(out)) == 4
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert {m["type"] for m in lines} == {"track"}
    assert out.stat().st_mode & 0o777 == 0o600  # captured data: the user's alone
    out.write_text("old")
    out.chmod(0o644)  # a file that was there is made private too
    assert h.window.dialogs.export_ndjson(str(out), use_filter=False) == 9
    assert out.stat().st_mode & 0o777 == 0o600


def test_identify_rows_show_who_in_a_muted_name_column(make_inspector, tmp_path):
    from inspector.domain.labels import identify_label
    from inspector.gui.theme import muted

    assert (
        identify_label({"traits": {"email": "a@x.io", "plan": "pro", "name": "Ada"}})
        == "Ada · a@x.io (+1 trait)"
    )
    assert (
        identify_label({"traits": {"firstName": "Grace", "lastName": "Hopper"}}) == "Grace Hopper"
    )
    assert identify_label({"traits": {"plan": "pro", "company": "Acme"}}) == "traits: plan, company"
    assert identify_label({"context": {"traits": {"email": "g@x.io"}}}) == "g@x.io"
    assert identify_label({"userId": "u"}) == "no traits"
    data = str(tmp_path / "shared")
    h = make_inspector(data_dir=data, session="one")
    msgs = session_messages()
    msgs.append({"type": "identify", "userId": "u-2", "traits": {"plan": "team"}})
    h.batch(msgs)
    h.wait_until(lambda: h.rows == len(msgs))
    model = h.window.feed.model

    def identify_cells() -> list[tuple[str, object]]:
        return [
            (model.index(r, 2).data(), model.index(r, 2).data(Qt.ItemDataRole.ForegroundRole))
            for r in range(model.rowCount())
            if model.index(r, 1).data() == "identify"
        ]

    live = identify_cells()
    assert [t for t, _ in live] == ["Ada · ada@example.com (+1 trait)", "traits: plan"]
    assert all(c == muted() for _, c in live)
    assert model.index(2, 2).data(Qt.ItemDataRole.ForegroundRole) is None  # a track name
    # autocomplete for event:/name: offers event names, not people
    assert "traits: plan" not in h.window.feed.values_for("event")
    # a stored session reads the same labels back from the store
    h.run(h.window.controller.stop())
    h2 = make_inspector(data_dir=data, session="two")
    old = next(s for s in h2.window.service.store.list_sessions() if s["name"] == "one")
    h2.window.sessions.view_session(old["id"])
    model = h2.window.feed.model
    assert [t for t, _ in identify_cells()] == [t for t, _ in live]


def test_session_picker_never_shows_a_stale_live_count(make_inspector, tmp_path):
    h = make_inspector(session="checkout")
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    h.window.shows.tick()
    combo = h.window.toolbar.sessions
    h.window.sessions.update_picker()
    assert combo.currentText() == "checkout (live)"
    assert "0 events" not in combo.currentText()


def test_a_long_title_ends_in_an_ellipsis_and_keeps_its_whole_text(inspector):
    """The detail header never cuts a title silently: "…" where it is cut, the rest in a tooltip."""
    h = inspector
    h.window.resize(1024, 640)
    h.window.show()
    name = "Ada Augusta King, Countess of Lovelace, first programmer"
    email = "ada.augusta.king.countess.of.lovelace@analytical-engine.example.com"
    msg = {
        "type": "identify",
        "userId": "user-ada",
        "traits": {"name": name, "email": email},
        "messageId": "m-long-title",
    }
    assert h.batch([msg])[0] == 200
    h.wait_until(lambda: h.rows == 1)
    h.window.table.select_row(0)
    title = h.window.detail.title
    h.wait_until(lambda: title.text().startswith(name), what="the identify's title")
    h.settle()
    assert title.text() == f"{name} · {email}"  # the whole text, as the program set it
    shown = title.shown_text()
    assert shown.endswith("…") and len(shown) < len(title.text())
    assert title.fontMetrics().horizontalAdvance(shown) <= title.width()
    assert title.toolTip() == title.text()
