"""The Requests tab with the real window and collector: live rows, detail, curl, resend."""

from __future__ import annotations

import json
import subprocess

from PySide6.QtGui import QGuiApplication

from inspector.gui.dialogs.resend import EditResendDialog, parse_headers
from inspector.gui.window_shown import TAB_ALL_REQUESTS, TAB_EVENTS


def msgs(n: int, prefix: str = "m") -> list[dict]:
    ctx = {"library": {"name": "analytics-python", "version": "2.4.0"}}
    return [
        {
            "type": "track",
            "event": f"Step {i}",
            "userId": "u1",
            "messageId": f"{prefix}{i}",
            "context": ctx,
        }
        for i in range(n)
    ]


def tab_rows(h) -> int:
    return h.window.requests_tab.model.rowCount()


def cell(h, row: int, col: int) -> str:
    m = h.window.requests_tab.model
    return m.index(row, col).data()


def test_requests_arrive_live_with_their_columns(inspector):
    h = inspector
    tab = h.window.requests_tab
    assert h.window.tabs.tabText(TAB_ALL_REQUESTS) == "Requests"
    h.batch(msgs(3))
    h.post("/v1/batch", raw=b'{"batch": [\n  {"type": "track",}\n]}')
    h.wait_until(lambda: tab_rows(h) == 2, what="two requests")
    assert [cell(h, 0, c) for c in (1, 2, 3, 4, 6)] == [
        "200",
        "POST",
        "/v1/batch",
        "segment-analytics-python",
        "3",
    ]
    assert cell(h, 0, 7).endswith(" ms")
    assert cell(h, 1, 1) == "400" and cell(h, 1, 6) == "—"
    assert tab.message.text() == "2 requests"


def test_detail_events_click_and_json_caret(inspector):
    h = inspector
    tab = h.window.requests_tab
    h.batch(msgs(3))
    h.post("/v1/batch", raw=b'{"batch": [\n  {"type": "track",}\n]}')
    h.wait_until(lambda: tab_rows(h) == 2)
    h.wait_until(lambda: h.rows == 3)
    h.window.tabs.setCurrentIndex(TAB_ALL_REQUESTS)
    tab.table.selectRow(0)
    d = tab.detail
    assert "POST /v1/batch" in d.title.text() and "3 events" in d.title.text()
    assert d.events.count() == 3 and d.tabs.tabText(3) == "Events (3)"
    assert '"Step 1"' in d.request_view.toPlainText()
    assert "V0tfVEVTVDo=" not in d.request_view.toPlainText()  # masked
    assert '"success"' in d.answer_view.toPlainText()
    d._event_clicked(d.events.item(1))
    assert h.window.tabs.currentIndex() == TAB_EVENTS
    assert (
        h.window.detail.shown_event is not None and h.window.detail.shown_event.message_id == "m1"
    )
    # the broken one: a caret under line 2, column 20
    h.window.tabs.setCurrentIndex(TAB_ALL_REQUESTS)
    tab.table.selectRow(1)
    view = d.request_view
    assert view.error_at is not None
    text = view.toPlainText()
    assert text[view.error_at] == "}"
    caret_line = text[text.index("\n", view.error_at) + 1 :].split("\n")[0]
    assert caret_line.index("^") == 19 and "Expecting property name" in caret_line


def test_copy_as_curl_runs_against_the_collector(inspector):
    h = inspector
    tab = h.window.requests_tab
    h.batch(msgs(2, "c"))
    h.wait_until(lambda: tab_rows(h) == 1)
    tab.table.selectRow(0)
    cmd = tab.detail.copy_as_curl()
    assert cmd is not None and QGuiApplication.clipboard().text() == cmd
    assert cmd.startswith("curl ") and h.url in cmd
    p = h.in_thread(subprocess.run, ["sh", "-c", cmd], capture_output=True, timeout=30)
    assert p.returncode == 0 and json.loads(p.stdout) == {"success": True}
    h.wait_until(lambda: tab_rows(h) == 2, what="the curl request")
    h.wait_until(lambda: h.rows == 4)
    again = h.window.service.store.get_request(tab.model.request_id(1))
    assert again.write_key == "WK_TEST" and again.auth == "basic" and again.event_count == 2


def test_resend_and_edit_and_resend(inspector):
    h = inspector
    tab = h.window.requests_tab
    h.batch(msgs(1, "r"))
    h.wait_until(lambda: tab_rows(h) == 1)
    tab.table.selectRow(0)
    tab.detail._resend("here")
    h.wait_until(lambda: tab_rows(h) == 2, what="the resent request")
    h.wait_until(lambda: "200 in" in tab.detail.result.text(), what="the resend result")
    tab.table.selectRow(0)
    dlg = EditResendDialog(tab.detail.outgoing(), h.url, None, h.window)
    body = json.loads(dlg.body.toPlainText())
    body["batch"][0]["event"] = "Edited"
    body["batch"][0]["messageId"] = "edited-1"
    dlg.body.setPlainText(json.dumps(body))
    assert dlg.error.text() == ""
    dlg.body.setPlainText("{nope")
    assert "not JSON" in dlg.error.text()
    dlg.body.setPlainText(json.dumps(body))
    req, base = dlg.edited()
    assert base == h.url
    tab.send(req, base)
    h.wait_until(lambda: tab_rows(h) == 3, what="the edited request")
    h.wait_until(lambda: h.rows == 3)
    names = [h.window.feed.model.index(r, 2).data() for r in range(3)]
    assert names[-1] == "Edited"
    dlg.close()
    assert parse_headers("A: 1\nbad line")[1] == "header line 2 is not 'Name: value'"


def test_filter_requests(inspector):
    h = inspector
    tab = h.window.requests_tab
    h.batch(msgs(1))
    h.post("/v1/batch", raw=b"{")
    h.wait_until(lambda: tab_rows(h) == 2)
    tab.filter.setText("status:>=400")
    tab.apply_filter()
    assert tab_rows(h) == 1 and cell(h, 0, 1) == "400"
    h.post("/v1/batch", raw=b"[")  # live, and filtered
    h.batch(msgs(1, "z"))
    h.wait_until(lambda: tab_rows(h) == 2, what="the new rejected request")
    h.wait(0.3)
    assert tab_rows(h) == 2 and tab.message.text() == "2 requests match"
    tab.filter.setText("status:>=")
    tab.apply_filter()
    assert "column" in tab.message.text() and tab_rows(h) == 2
    tab.filter.setText("")
    tab.apply_filter()
    assert tab_rows(h) == 4


def test_raw_view_marks_the_event_in_its_batch(inspector):
    h = inspector
    h.batch(msgs(40))
    h.wait_until(lambda: h.rows == 40)
    h.window.table.select_row(31)
    raw = h.window.detail.raw
    assert raw.mark is not None
    start, end = raw.mark
    item = raw.toPlainText()[start:end]
    assert '"messageId": "m31"' in item and '"m30"' not in item and '"m32"' not in item
    assert item.startswith("    {") and item.rstrip(",").endswith("}")
    # scrolled to it: the marked text is on screen
    rect = raw.cursorRect(raw.textCursor())
    assert 0 <= rect.top() <= raw.viewport().height()
    assert raw.textCursor().position() == start


def test_forward_setting_and_upstream_column(make_inspector, tmp_path):
    from tests.collector.test_forward import Upstream

    with Upstream() as up:
        h = make_inspector(forward=up.url)
        tab = h.window.requests_tab
        assert tab.forward_bar.url.text() == up.url
        h.batch(msgs(2, "f"))
        h.wait_until(lambda: tab_rows(h) == 1)
        h.wait_until(lambda: cell(h, 0, 8).startswith("200 · "), what="the upstream cell")
        assert len(up.received) == 1
        h.wait_until(
            lambda: "1 sent" in getattr(h.window, "forward_label", tab.message).text(),
            what="the forward state in the status bar",
        )
        assert h.window.forward_label.text().startswith("forward: 1 sent")
        assert h.window.forward_label.toolTip().startswith(f"forward → {up.url}: 1 sent")
        # the setting: a bad URL is refused with a message, none turns forwarding off
        tab.forward_bar.url.setText("ftp://nope")
        tab.forward_bar.apply()
        assert "http:// or https://" in tab.forward_bar.state.text()
        tab.forward_bar.url.setText("")
        tab.forward_bar.apply()
        h.wait_until(lambda: h.window.service.forwarder is None, what="forwarding off")
        assert h.window.settings.forward_url is None
        h.batch(msgs(1, "g"))
        h.wait_until(lambda: tab_rows(h) == 2)
        h.wait(0.3)
        assert len(up.received) == 1 and cell(h, 1, 8) == ""
        tab.forward_bar.url.setText(up.url)
        tab.forward_bar.apply()
        h.wait_until(lambda: h.window.service.forwarder is not None, what="forwarding on")
        assert h.window.settings.forward_url == up.url
        h.batch(msgs(1, "k"))
        h.wait_until(lambda: len(up.received) == 2, what="forwarded again")


def test_a_har_dropped_on_the_window_is_imported(inspector, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    h = inspector
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": [
                {
                    "startedDateTime": "2026-01-02T03:04:05.678Z",
                    "request": {
                        "method": "POST",
                        "url": "https://api.segment.io/v1/t",
                        "headers": [{"name": "content-type", "value": "text/plain"}],
                        "postData": {
                            "mimeType": "text/plain",
                            "text": json.dumps(
                                {
                                    "type": "track",
                                    "event": "Dropped",
                                    "userId": "d1",
                                    "messageId": "drop-1",
                                    "writeKey": "WK_DROP",
                                }
                            ),
                        },
                    },
                    "response": {"status": 200},
                },
                {
                    "startedDateTime": "2026-01-02T03:04:05.000Z",
                    "request": {"method": "GET", "url": "https://shop.example/", "headers": []},
                    "response": {"status": 200},
                },
            ],
        }
    }
    path = tmp_path / "device.har"
    path.write_text(json.dumps(har))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(h.window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(h.window, drop)
    h.wait_until(lambda: h.rows == 1, what="the dropped HAR's event")
    ev = h.window.service.store.get_event(h.window.feed.model.rows.ids[0])
    assert ev.message["event"] == "Dropped" and ev.source.write_key == "WK_DROP"
    assert abs(ev.received_at - 1767323045.678) < 0.001  # the HAR's time, not now
    summary = h.window.har_drop.last
    assert "imported 1 tracking requests" in summary and "skipped 1 entries" in summary
    assert h.window.banner.isVisible()
