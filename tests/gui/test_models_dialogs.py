"""Model conformance (qtmodeltester), dialogs, banners, settings, sessions, error handling."""

from __future__ import annotations

import socket

from PySide6.QtGui import QGuiApplication

from inspector.domain.capture import CapturedEvent, Source
from inspector.domain.query import compile_query
from inspector.domain.view import LintCounts, RowStore, View
from inspector.gui.models.events_model import EventsModel
from inspector.gui.models.people_model import PeopleModel
from inspector.gui.models.requests_model import RequestsModel
from inspector.gui.widgets.lint_panel import LintModel
from inspector.gui.window_state import qsettings
from tests.gui.conftest import session_messages


def _rows(n: int, first_id: int = 1) -> RowStore:
    rs = RowStore()
    for i in range(n):
        rs.append_tuple(
            (
                1_700_000_000.0 + i,
                "track",
                f"E{i % 3}",
                f"u{i % 5}",
                "",
                "lib · WK",
                i % 4,
                i + first_id,
            )
        )
    return rs


def _track(eid: int, name: str) -> CapturedEvent:
    return CapturedEvent(
        session_id=1,
        received_at=1_700_000_100.0,
        message={"type": "track", "event": name, "userId": "u"},
        type="track",
        timestamp=1_700_000_100.0,
        message_id=f"m{eid}",
        source=Source(write_key="WK", library="analytics-python"),
        id=eid,
    )


def test_events_model_passes_qtmodeltester(qtmodeltester):
    view = View(1)
    view.rows.prepend(_rows(50, first_id=11))
    model = EventsModel(view)
    qtmodeltester.check(model)
    model.beginResetModel()
    view.set_filter(compile_query("event:E1"))
    model.endResetModel()
    model.add([_track(100, "E1"), _track(101, "E2")])  # while the filter's query runs
    assert model.rowCount() == 52  # every row, as before, until the query answers
    model.show_ids([12, 15, 18])  # what the query found (stored before the new ones)
    assert [model.event_id(r) for r in range(model.rowCount())] == [12, 15, 18, 100]
    qtmodeltester.check(model)
    model.add([_track(102, "E1")])
    assert model.rowCount() == 5
    # a resumed session's older rows: the filtered rows stay those same events
    assert model.prepend(_rows(10), LintCounts(), 0) == 10
    assert [model.event_id(r) for r in range(model.rowCount())] == [12, 15, 18, 100, 102]
    qtmodeltester.check(model)
    model.beginResetModel()
    view.set_filter(None)
    model.endResetModel()
    assert model.rowCount() == 63
    assert model.prepend(_rows(5, first_id=-10), LintCounts(), 0) == 5
    assert model.rowCount() == 68 and model.event_id(0) == -10
    qtmodeltester.check(model)


def test_live_models_pass_qtmodeltester(inspector, qtmodeltester):
    h = inspector
    h.batch(session_messages())
    h.post("/v1/batch", raw=b"nope")
    h.wait_until(lambda: h.rows == 9 and h.window.feed.requests.rowCount() == 1)
    h.window.shows.tick()
    h.window.tabs.setCurrentIndex(2)
    h.wait_until(lambda: h.window.people.model.rowCount() > 0)
    for model in (
        h.window.feed.model,
        h.window.feed.requests,
        h.window.people.model,
        h.window.lint_panel.model,
    ):
        qtmodeltester.check(model)
    assert isinstance(h.window.feed.requests, RequestsModel)
    assert isinstance(h.window.people.model, PeopleModel)
    assert isinstance(h.window.lint_panel.model, LintModel)


def test_row_store_is_compact():
    rs = _rows(10_000)
    assert rs.memory_bytes() / len(rs) < 48
    assert rs.row(3) == (1_700_000_003.0, "track", "E0", "u3", "", "lib · WK", 3, 4)
    assert rs.row_of_id(500) == 499
    assert rs.rows_of_ids([2, 4, 10_001]) == [1, 3]


def test_first_run_panel_uses_the_real_url(inspector):
    h = inspector
    fr = h.window.first_run
    assert fr.isVisible()
    titles = [c.code for c in fr.cards]
    assert len(fr.cards) >= 6
    assert all(h.url in code or h.url.split("//")[1] in code for code in titles)
    joined = "\n".join(titles)
    for needle in (
        "segment.analytics",
        "@segment/analytics-node",
        "cdnURL",
        "apiHost",
        "customerio",
        "rudderstack",
        "KISSmetrics",
    ):
        assert needle in joined
    fr.cards[0].copy_btn.click()
    assert QGuiApplication.clipboard().text() == fr.cards[0].code


def test_port_in_use_shows_a_banner_offering_another_port(make_inspector):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        h = make_inspector(port=port)
        w = h.window
        assert not w.controller.running
        assert w.banner.isVisible() and f"Port {port}" in w.banner.label.text()
        use = next(b for b in w.banner.buttons if b.text().startswith("Use port"))
        new_port = int(use.text().split()[-1])
        use.click()
        h.wait_until(lambda: w.controller.running, what="collector restarted")
        assert w.controller.port == new_port
        assert not w.banner.isVisible()
        assert w.toolbar.url.text().endswith(f":{new_port}")
        status, _ = h.batch(session_messages(n_track=1))
        assert status == 200
        h.wait_until(lambda: h.rows == 7)
    finally:
        busy.close()


def test_faults_dialog_adds_rules_and_faults_are_visible(inspector):
    h = inspector
    dlg = h.window.dialogs.open_faults()
    dlg.status.setCurrentIndex(dlg.status.findData(429))
    dlg.count.setValue(1)
    assert dlg.add_rule() is not None
    assert len(h.window.service.faults.rules) == 1
    status, _ = h.batch(session_messages(n_track=1))
    assert status == 429
    h.wait_until(lambda: h.window.feed.requests.rowCount() == 1)
    assert "fault injected: 429" in h.window.feed.requests.index(0, 4).data()
    status, _ = h.batch(session_messages(n_track=1))  # the rule was for one request
    assert status == 200
    dlg.status.setCurrentIndex(dlg.status.findData(None))
    dlg.delay.setValue(0)
    assert dlg.add_rule() is None and dlg.error.text()
    dlg.status.setCurrentIndex(dlg.status.findData(503))
    dlg.add_rule()
    dlg.clear_rules()
    assert h.window.service.faults.rules == []
    dlg.close()


def test_session_picker_opens_an_earlier_session_read_only(make_inspector, tmp_path):
    data = str(tmp_path / "shared")
    h1 = make_inspector(data_dir=data, session="yesterday")
    h1.batch(session_messages(n_track=1))
    h1.wait_until(lambda: h1.rows == 7)
    h1.run(h1.window.controller.stop())
    h2 = make_inspector(data_dir=data, session="today")
    w = h2.window
    assert h2.rows == 0
    w.sessions.update_picker()
    combo = w.toolbar.sessions
    names = [combo.itemText(i) for i in range(combo.count())]
    assert any(n.startswith("yesterday") for n in names)
    old = next(i for i in range(combo.count()) if combo.itemText(i).startswith("yesterday"))
    combo.activated.emit(old)
    assert h2.rows == 7 and not w.feed.live
    assert w.banner.isVisible() and "read-only" in w.banner.label.text()
    assert not w.toolbar.clear_view.isEnabled()
    h2.batch(session_messages(n_track=2))  # live traffic keeps going to "today"
    h2.wait(0.3)
    assert h2.rows == 7
    w.banner.buttons[0].click()  # back to live
    h2.wait_until(lambda: h2.rows == 8)
    assert w.feed.live


def test_settings_are_saved_as_json_and_dialog_warns_off_loopback(inspector, tmp_path):
    from inspector.gui.settings import AppSettings, load_settings, save_settings

    s = AppSettings(port=9999, host="127.0.0.1", theme="dark")
    save_settings(s, tmp_path)
    assert load_settings(tmp_path).port == 9999
    (tmp_path / "settings.json").write_text("{broken")
    assert load_settings(tmp_path) == AppSettings()
    dlg = inspector.window.prefs.open_settings()
    dlg.host.setText("0.0.0.0")
    assert dlg.warning.isVisibleTo(dlg) and "not a loopback" in dlg.warning.text()
    dlg.host.setText("127.0.0.1")
    assert not dlg.warning.isVisibleTo(dlg)
    dlg.port.setValue(0)
    assert dlg.result_settings().port == 0
    dlg.close()


def test_window_state_is_restored_from_qsettings(make_inspector):
    h = make_inspector(start=False)
    h.window.table.user_sized = True  # as a drag on the header does: widths stop fitting
    h.window.table.setColumnWidth(2, 345)
    h.window.save_state()
    ini = qsettings(h.window.config_dir).fileName()
    assert ini.endswith("window.ini")
    h2 = make_inspector(start=False)
    assert h2.window.table.columnWidth(2) == 345 and h2.window.table.user_sized
    qs = qsettings(h2.window.config_dir)
    keys = ("geometry", "splitter", "events_header_v2", "people")
    assert all(qs.value(k) is not None for k in keys)


def test_uncaught_exception_shows_dialog_and_is_logged(qapp, tmp_path):
    import sys

    from inspector.gui.dialogs.error import ExceptionHandler, setup_logging

    log_path = setup_logging(tmp_path)
    handler = ExceptionHandler(log_path)
    try:
        raise ValueError("boom")
    except ValueError:
        handler.excepthook(*sys.exc_info())
    assert len(handler.dialogs) == 1
    dlg = handler.dialogs[0]
    assert "ValueError: boom" in dlg.text.toPlainText()
    assert "Traceback" in dlg.text.toPlainText()
    import logging

    for hd in logging.getLogger().handlers:
        hd.flush()
    assert "boom" in log_path.read_text()
    assert log_path.stat().st_mode & 0o777 == 0o600
    logging.getLogger("inspector.test").warning(
        "sent to http://127.0.0.1:8787/v1/t?writeKey=wk_secret_123 and back"
    )
    for hd in logging.getLogger().handlers:
        hd.flush()
    text = log_path.read_text()
    assert "wk_secret_123" not in text and "?writeKey=w" in text  # masked, still recognisable
    dlg.close()
