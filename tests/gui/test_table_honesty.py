"""The table never shows a state it does not have: stale filters, hints, recents, held rows,
new rows below, the columns that matter, duplicates, counts and times."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from inspector.domain.view.columns import DUP, LINT, SOURCE, TIME
from tests.gui.conftest import session_messages


def _typed(h, qtbot, text: str) -> None:
    fb = h.window.filter_bar
    fb.edit.setFocus()
    fb.edit.clear()
    qtbot.keyClicks(fb.edit, text)
    h.wait(0.35)  # the debounce applies what was typed
    fb.completer.popup().hide()


def test_a_filter_with_a_syntax_error_dims_the_rows_of_the_last_valid_query(inspector, qtbot):
    h = inspector
    w = h.window
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    _typed(h, qtbot, "type:track")
    assert h.rows == 4 and not w.table.stale
    _typed(h, qtbot, "type:track (event:")
    fb = w.filter_bar
    assert fb.error and fb.stale and w.table.stale
    assert h.rows == 4  # still the last valid query's rows …
    assert "last valid filter: type:track" in fb.message.text()  # … and it says so
    assert w.table.stale_note.isVisible()
    assert "type:track" in w.table.stale_note.text()
    w.shows.tick()
    assert w.status.labels["events"].text() == "4 of 9 events (last valid filter)"
    fb.edit.setFocus()
    qtbot.keyClick(fb.edit, Qt.Key.Key_Escape)  # Esc restores the applied query
    assert fb.text() == "type:track" and not fb.stale and not w.table.stale
    assert not w.table.stale_note.isVisible()
    # with no valid query yet, the message says every event is shown
    fb.set_text("")
    _typed(h, qtbot, "(")
    assert "shows every event" in fb.message.text() and h.rows == 9


def test_valid_filters_that_cannot_match_say_why(inspector, qtbot):
    h = inspector
    fb = h.window.filter_bar
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    _typed(h, qtbot, "type:trak")
    assert h.rows == 0 and not fb.error and not fb.stale
    assert fb.message.isVisible() and "did you mean track?" in fb.message.text()
    _typed(h, qtbot, "foo:bar")
    assert "no event has a field foo" in fb.message.text()
    _typed(h, qtbot, "properties.revenue:>abc")
    assert "properties.revenue holds numbers here" in fb.message.text()
    assert "“abc” is not a number" in fb.message.text()
    _typed(h, qtbot, "properties.revenue:>20")
    assert h.rows == 2 and not fb.message.isVisible()


def test_property_paths_and_their_values_complete(inspector, qtbot):
    h = inspector
    fb = h.window.filter_bar
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    fb.edit.setFocus()
    qtbot.keyClicks(fb.edit, "properties.cur")
    cands, prefix = fb.candidates()
    assert prefix == "properties.cur" and "properties.currency:" in cands
    assert fb.completer.currentCompletion() == "properties.currency:"
    fb._insert_completion("properties.currency:")
    cands, _ = fb.candidates()
    assert "properties.currency:EUR" in cands  # a picked field offers its values at once
    fb._insert_completion("properties.currency:EUR")
    assert fb.text() == "properties.currency:EUR" and h.rows == 3
    fb.edit.clear()
    qtbot.keyClicks(fb.edit, "has:properties.ord")
    assert "has:properties.order_id" in fb.candidates()[0]
    fb.completer.popup().hide()


def test_only_executed_valid_filters_become_recent(inspector, qtbot):
    h = inspector
    w = h.window
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    for partial in ("type:tr", "type:track (", "type:track"):
        _typed(h, qtbot, partial)  # applied while typing, never remembered
    assert w.settings.recent_filters == [] and w.filter_bar.history == []
    qtbot.keyClick(w.filter_bar.edit, Qt.Key.Key_Return)  # executed
    assert w.settings.recent_filters == ["type:track"]
    _typed(h, qtbot, "type:track (")
    qtbot.keyClick(w.filter_bar.edit, Qt.Key.Key_Return)  # invalid: not remembered
    assert w.settings.recent_filters == ["type:track"]
    from inspector.gui.settings import load_settings

    assert load_settings().recent_filters == ["type:track"]


def test_resume_shows_the_held_rows_and_new_rows_below_are_announced(inspector):
    h = inspector
    w = h.window
    w.resize(1200, 500)
    h.batch([{"type": "track", "userId": "u", "event": f"A{i}"} for i in range(120)])
    h.wait_until(lambda: h.rows == 120)
    t = w.table
    assert t.at_bottom()
    w.table_actions.set_paused(True)
    h.batch([{"type": "track", "userId": "u", "event": f"Held{i}"} for i in range(60)])
    store, sid = w.service.store, w.service.session.id
    h.wait_until(lambda: store.count_events(sid) == 180)
    t.verticalScrollBar().setValue(0)  # the user looks at the top meanwhile
    w.table_actions.set_paused(False)
    assert h.rows == 180
    first_held = w.feed.model.first_view_row_after(w.feed.model.event_id(119))
    assert first_held == 120
    top = t.rowAt(0)
    assert top <= 120 <= t.rowAt(t.viewport().height() - 1) or top == 120
    # scrolled up while rows arrive: "N new rows ↓", which jumps to the latest
    t.verticalScrollBar().setValue(0)
    h.batch([{"type": "track", "userId": "u", "event": f"B{i}"} for i in range(7)])
    h.wait_until(lambda: h.rows == 187)
    h.flush()
    assert t.jump.isVisible() and t.jump.text() == "7 new rows ↓"
    assert t.verticalScrollBar().value() == 0  # no jump by itself
    t.jump.click()
    assert t.at_bottom() and not t.jump.isVisible() and t.new_below == 0


def test_lint_and_source_columns_fit_from_1024_px(inspector):
    h = inspector
    w = h.window
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    t = w.table
    hh = t.horizontalHeader()
    for size in ((1500, 860), (1920, 1080)):
        w.resize(*size)
        h.wait(0.05)
        w.shows.tick()
        vp = t.viewport().width()
        assert hh.sectionViewportPosition(LINT) + t.columnWidth(LINT) <= vp, size
        assert hh.visualIndex(LINT) == 2 and hh.visualIndex(TIME) == 0
        src = t.model().index(0, SOURCE).data()
        assert t.columnWidth(SOURCE) >= t.fontMetrics().horizontalAdvance(src), size
        assert hh.sectionViewportPosition(SOURCE) + t.columnWidth(SOURCE) <= vp + 1, size


def test_duplicates_are_marked_and_the_status_count_filters_to_them(inspector):
    h = inspector
    w = h.window
    msg = {"type": "track", "userId": "u", "event": "Paid", "messageId": "m-dup-1"}
    h.batch([msg])
    h.wait_until(lambda: h.rows == 1)
    w.shows.tick()
    assert w.table.isColumnHidden(DUP)  # nothing to mark yet
    assert w.status.labels["events"].text() == "1 event"
    assert w.status.labels["duplicates"].text() == "no duplicates"
    h.batch([msg, {**msg, "messageId": "m-2"}])
    h.wait_until(lambda: h.rows == 3)
    w.shows.tick()
    m = w.feed.model
    assert not w.table.isColumnHidden(DUP)
    assert [m.index(r, DUP).data() for r in range(3)] == ["", "dup", ""]
    label = w.status.labels["duplicates"]
    assert "1 duplicate<" in label.text() and "href" in label.text()
    label.linkActivated.emit("dup")
    assert w.filter_bar.text() == "dup:true" and h.rows == 1


def test_counts_say_what_they_count(inspector):
    h = inspector
    w = h.window
    h.batch(
        [
            {"type": "track", "userId": "u", "event": "order_completed", "messageId": "a"},
            {"type": "track", "userId": "u", "event": "Order Completed", "messageId": "b"},
        ]
    )
    h.wait_until(lambda: h.rows == 2)
    w.shows.tick()
    lint = w.status.labels["lint"].text()
    assert "events with errors" in lint and "with warnings" in lint
    assert "errors</span>" in lint and " errors" not in lint.replace("events with errors", "")
    title = w.lint_panel.title.text()
    f, e = w.feed.lint.findings, w.feed.lint.events
    assert f"{f:,} finding" in title and f"in {e} event" in title
    assert w.lint_panel.model.headerData(1, Qt.Orientation.Horizontal) == "Events"


def test_the_time_column_and_the_detail_header_say_which_time(inspector):
    h = inspector
    w = h.window
    m = w.feed.model
    assert m.headerData(TIME, Qt.Orientation.Horizontal) == "Arrived"
    tip = m.headerData(TIME, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "arrival time" in tip
    # a client clock 60 s ahead: the timestamp is corrected, and the header says so
    h.post(
        "/v1/batch",
        {
            "batch": [
                {
                    "type": "track",
                    "userId": "u",
                    "event": "Skewed",
                    "messageId": "s-1",
                    "timestamp": "2030-01-01T00:01:00.000Z",
                }
            ],
            "sentAt": "2030-01-01T00:01:05.000Z",
        },
    )
    h.wait_until(lambda: h.rows == 1)
    w.detail.resize(380, 600)
    w.table.select_row(0)
    header = w.detail.header
    text = header.text()
    assert "corrected for clock skew" in text and "sent as 2030-01-01T00:01:00.000Z" in text
    assert "clock ran" in text and "ahead" in text
    # phrases never break inside: at most one line per phrase
    phrases = text.count("white-space:nowrap")
    margins = header.contentsMargins().top() + header.contentsMargins().bottom()
    lines = (header.heightForWidth(header.width()) - margins) / header.fontMetrics().lineSpacing()
    assert lines <= phrases + 0.5


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_first_run_curl_snippet_earns_no_finding(inspector):
    h = inspector
    card = next(c for c in h.window.first_run.cards if c.code.startswith("curl"))
    r = h.in_thread(
        subprocess.run, ["bash", "-c", card.code], capture_output=True, text=True, timeout=20
    )
    assert r.returncode == 0, r.stderr
    assert '"success":true' in r.stdout.replace(" ", "")
    h.wait_until(lambda: h.rows == 1)
    ev = h.window.service.store.get_event(h.window.feed.model.event_id(0))
    assert ev.event == "Signed Up" and not ev.generated_message_id
    assert ev.lint == [], [f.rule for f in ev.lint]
