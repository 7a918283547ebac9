"""What the window reads off the UI thread: a filter's rows (a newer filter supersedes an older
one, the table says "filtering…" meanwhile) and a resumed session's older rows (the newest are
shown first, the counts wait for the rest and say so)."""

from __future__ import annotations

import threading
from typing import Any

from inspector.domain.capture import Finding
from inspector.domain.store import Store
from inspector.domain.view import loader
from inspector.gui import feed as feed_module
from inspector.gui.read_worker import ReadWorker
from inspector.testing.events import event
from tests.gui.conftest import session_messages

W006 = Finding("W006", "warning", "currency is missing", None)


def _stored_session(data_dir: Any, n: int) -> None:
    store = Store(data_dir)
    sid = store.open_session("resumed").id
    batch = [
        event(
            {"type": "track", "event": f"E{i % 3}", "userId": f"u{i % 4}"},
            lint=[W006] if i % 5 == 0 else [],
            dup=i % 10 == 0,
            session_id=sid,
        )
        for i in range(1, n + 1)
    ]
    store.allocate(None, batch)
    store.write([], batch)
    store.close()


def test_a_resumed_session_shows_its_newest_rows_first(make_inspector, tmp_path, monkeypatch):
    monkeypatch.setattr(feed_module, "NEWEST_ROWS", 5)
    data = tmp_path / "resume"
    _stored_session(data, 40)
    h = make_inspector(start=False, data_dir=str(data), session="resumed")
    w = h.window
    # nothing delivered yet from the reading thread: the newest rows, and it says so
    assert w.feed.model.rowCount() == 5
    assert w.feed.loading == -1  # counting the older ones
    w.shows.update_counts()
    status = w.status.labels["events"].text()
    assert "5 events shown (the newest)" in status and "counting older" in status
    assert w.status.labels["lint"].text() == "lint: counting…"
    assert "counting" in w.lint_panel.title.text()
    assert w.table.busy_note.isVisibleTo(w.table) and "older" in w.table.busy_note.text()
    h.settle()
    assert w.feed.model.rowCount() == 40 and w.feed.view.total == 40
    assert w.feed.duplicates == 4 and w.feed.lint.warnings == 8
    assert w.feed.lint.by_rule["W006"][1] == 8
    w.shows.update_counts()
    assert w.status.labels["events"].text() == "40 events"
    assert not w.table.busy_note.isVisibleTo(w.table)
    ids = [w.feed.model.event_id(r) for r in range(40)]
    assert ids == sorted(ids)  # arrival order, the older rows in front


def test_a_resumed_sessions_counts_come_before_its_older_rows(
    make_inspector, tmp_path, monkeypatch
):
    monkeypatch.setattr(feed_module, "NEWEST_ROWS", 5)
    data = tmp_path / "resume"
    _stored_session(data, 40)
    release = threading.Event()
    read_before = loader.read_before

    def slow_read(*args: Any) -> Any:  # the rows take long to read (a million of them)
        release.wait(30)
        return read_before(*args)

    monkeypatch.setattr(loader, "read_before", slow_read)
    h = make_inspector(start=False, data_dir=str(data), session="resumed")
    w = h.window
    try:
        h.wait_until(lambda: w.feed.view.older_counted, what="the older rows counted")
        w.shows.update_counts()
        assert w.feed.model.rowCount() == 5 and w.feed.loading == 35  # rows still being read
        assert "reading 35 older" in w.status.labels["events"].text()
        assert "● 0 events with errors" in w.status.labels["lint"].text()
        assert "8 with warnings" in w.status.labels["lint"].text()
        assert w.status.labels["duplicates"].text().endswith("4 duplicates</a>")
        assert "counting" not in w.lint_panel.title.text()
        assert "8 findings in 8 events" in w.lint_panel.title.text()
    finally:
        release.set()
    h.wait_until(lambda: w.feed.loading == 0, what="the older rows")
    assert w.feed.model.rowCount() == 40
    assert w.feed.duplicates == 4 and w.feed.lint.warnings == 8  # not counted twice


def test_the_filter_runs_off_the_ui_thread_and_says_so(inspector):
    h = inspector
    w = h.window
    h.batch(session_messages(n_track=3))
    h.wait_until(lambda: h.rows == 9)
    applied: list[int] = []
    w.feed.filterApplied.connect(lambda: applied.append(w.feed.model.rowCount()))
    w.filter_bar.set_text("type:track")
    # the query runs on its thread; the answer arrives by a signal: until then, honestly
    assert w.feed.filtering
    assert w.table.busy and w.table.busy_note.text() == "filtering… type:track"
    assert w.status.labels["events"].text() == "filtering… (until then: 9 events)"
    w.filter_bar.set_text("type:page")  # a newer filter: the older answer is never shown
    h.settle()
    assert h.rows == 1 and applied == [1]
    assert not w.table.busy and not w.table.busy_note.isVisibleTo(w.table)
    assert w.status.labels["events"].text() == "1 of 9 events"


def test_a_newer_job_interrupts_the_running_query(make_inspector):
    h = make_inspector(start=False)
    worker = ReadWorker(h.window.service.store, "test reader")
    got: list[tuple[int, Any]] = []
    worker.finished.connect(lambda ticket, result: got.append((ticket, result)))
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1e12) "
        "SELECT COUNT(*) FROM c"
    )
    try:
        first = worker.submit(lambda reader, _c, _r: reader.scalar(endless))
        h.wait(0.2)
        second = worker.submit(lambda reader, _c, _r: reader.scalar("SELECT 42"))
        h.wait_until(lambda: got, what="the newer job's answer")
        assert got == [(second, 42)] and first != second
    finally:
        worker.stop()


def test_a_filter_running_while_the_view_is_cleared_answers_for_the_new_view(inspector):
    h = inspector
    w = h.window
    h.batch(session_messages(n_track=3))
    h.wait_until(lambda: h.rows == 9)
    w.filter_bar.set_text("type:track")
    assert w.feed.filtering
    w.feed.clear()  # the rows the running query was mapped to are gone
    h.settle()
    assert h.rows == 0 and w.feed.filtering is False
    h.batch(session_messages(n_track=2))
    h.wait_until(lambda: len(w.feed.view.rows) == 8, what="the new rows")
    h.flush()
    assert h.rows == 3  # the new batch's 3 tracks: the rows cleared stay out of the view
