"""The window beyond loopback requires the API token and shows it; Settings' allowed origins
and hosts apply to the running collector at once (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import urllib.error
import urllib.request

from PySide6.QtGui import QGuiApplication

from inspector.gui.settings import load_settings


def status(url: str, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def test_beyond_loopback_the_window_makes_a_token_and_shows_it(make_inspector):
    # not started: no test listens beyond 127.0.0.1; the controller decides as it would
    h = make_inspector(start=False, host="0.0.0.0")
    c = h.window.controller
    assert not c.loopback and c.token is None
    c._choose_token()
    token = c.token
    assert token and len(token) >= 32 and c.generated_token
    c._choose_token()
    assert c.token == token  # kept across restarts
    h.window.collector_state.started("http://0.0.0.0:8787")
    banner = h.window.banner
    assert banner.kind == "warning" and token in banner.label.text()
    copy = next(b for b in banner.buttons if b.text() == "Copy token")
    copy.click()
    assert QGuiApplication.clipboard().text() == token
    # back on loopback, a token the window made is dropped (as serve never makes one there)
    c.host = "127.0.0.1"
    c._choose_token()
    assert c.token is None and not c.generated_token


def test_a_given_token_is_kept_on_loopback_and_required(make_inspector):
    h = make_inspector(token="given-token")
    c = h.window.controller
    assert c.token == "given-token" and not c.generated_token
    assert h.in_thread(status, h.url + "/api/health", {}) == 401
    assert h.in_thread(status, h.url + "/api/health", {"X-Inspector-Token": "given-token"}) == 200


def test_allowed_origins_and_hosts_from_settings_apply_at_once(make_inspector):
    h = make_inspector()
    url = h.url + "/api/health"
    origin, name = "https://app.dev.test:3000", "inspector.dev.test"
    assert h.in_thread(status, url, {"Origin": origin}) == 403
    assert h.in_thread(status, url, {"Host": name}) == 421
    dlg = h.window.prefs.open_settings()
    assert dlg.origin_warning.isHidden()
    dlg.allow_origins.setText("app.dev.test:3000")  # no scheme: no page's Origin matches it
    assert not dlg.origin_warning.isHidden()
    assert "https://app.dev.test:3000" in dlg.origin_warning.text()
    dlg.allow_origins.setText(f"{origin}, http://other.test")
    assert dlg.origin_warning.isHidden()
    dlg.allow_hosts.setText(name)
    dlg.accept()
    assert h.window.controller.running  # applied without a restart
    assert h.in_thread(status, url, {"Origin": origin}) == 200
    assert h.in_thread(status, url, {"Origin": "http://other.test"}) == 200
    assert h.in_thread(status, url, {"Host": name}) == 200
    assert h.in_thread(status, url, {"Origin": "https://evil.example"}) == 403
    saved = load_settings()
    assert saved.allow_origins == [origin, "http://other.test"]
    assert saved.allow_hosts == [name]
    dlg = h.window.prefs.open_settings()
    assert dlg.allow_origins.text() == f"{origin}, http://other.test"
    dlg.allow_origins.setText("")
    dlg.accept()
    assert h.in_thread(status, url, {"Origin": origin}) == 403
    assert h.in_thread(status, url, {"Origin": "http://localhost:5173"}) == 200  # always


def test_the_window_shows_write_keys_masked(inspector):
    """The events table's source, the Raw tab and the requests lists."""
    from inspector.domain.capture import RawRequest
    from inspector.domain.view.columns import source_text
    from inspector.gui.models.requests_list import row_of
    from inspector.gui.models.requests_model import summarize
    from inspector.gui.widgets.detail import raw_text

    key = "WK_SECRET_0123456789"
    raw = RawRequest(
        session_id=1,
        received_at=0.0,
        method="POST",
        path="/v1/track",
        query=f"writeKey={key}&x=1",
        body=f'{{"writeKey":"{key}","event":"E"}}'.encode(),
    )
    shown = [raw_text(None, raw), str(row_of(raw)), str(summarize(raw))]
    shown.append(source_text(key, "segment-analytics-python", None))
    for text in shown:
        assert key not in text and "W••••••9" in text, text
    # and in the live window: a request with ?writeKey= in the Raw tab
    status, _ = inspector.post(f"/v1/track?writeKey={key}", {"userId": "u", "event": "Masked"})
    assert status == 200
    inspector.wait_until(lambda: inspector.rows == 1)
    inspector.window.table.selectRow(0)
    inspector.wait_until(lambda: "W••••••9" in inspector.window.detail.raw.toPlainText())
    assert key not in inspector.window.detail.raw.toPlainText()
