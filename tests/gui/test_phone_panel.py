"""The window's phone panel (first-run): QR code for a reachable collector, emulator steps."""

from __future__ import annotations

from inspector.domain.phone_setup import Endpoints
from inspector.gui.widgets.phone import PhonePanel


def test_panel_shows_a_qr_code_for_a_lan_address(qtbot) -> None:
    ep = Endpoints(http=["http://192.0.2.7:8787"], https=["https://192.0.2.7:8788"])
    panel = PhonePanel(ep)
    qtbot.addWidget(panel)
    assert panel.qr is not None and not panel.qr.pixmap().isNull()
    assert "http://192.0.2.7:8787/phone" in panel.title.text()
    assert "adb reverse tcp:8787 tcp:8787" in panel.steps.text()
    assert "10.0.2.2:8788" in panel.steps.text()


def test_panel_on_loopback_shows_no_qr_but_says_how(qtbot) -> None:
    panel = PhonePanel(Endpoints(http=["http://127.0.0.1:8787"]))
    qtbot.addWidget(panel)
    assert panel.qr is None
    assert "--lan" in panel.title.text() and not panel.lan.isChecked()
    assert "adb reverse tcp:8787 tcp:8787" in panel.steps.text()
