"""What the window shows of its collector: the toolbar's state and URL, the setup panel's URLs,
the banners (listening beyond loopback, a port in use), the phone dialog and the --lan switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    from inspector.gui.window import MainWindow


class CollectorState:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        c = window.controller
        c.started.connect(self.started)
        c.stopped.connect(self.stopped)
        c.portBusy.connect(self.port_busy)
        window.first_run.lanToggled.connect(self.set_lan)

    def started(self, url: str) -> None:
        w, c = self.w, self.w.controller
        w.toolbar.set_state(True, url)
        w.first_run.set_url(url, c.endpoints, c.lan, c.token)
        if w.banner.kind == "error":
            w.banner.hide()
        if not c.loopback:
            from inspector.gui.widgets.phone import beyond_loopback_html

            token = c.token or ""
            w.banner.show_message(
                "warning",
                beyond_loopback_html(c.host, c.lan, c.endpoints, c.token),
                [
                    ("Copy token", lambda: QGuiApplication.clipboard().setText(token)),
                    ("Phones…", self.open_phone_setup),
                ],
            )
        w.shows.update_stack()

    def stopped(self, reason: str) -> None:
        if reason != "restarting":
            self.w.toolbar.set_state(False, self.w.controller.url, reason or "collector stopped")

    def port_busy(self, host: str, port: int, free: int) -> None:
        w = self.w
        w.toolbar.set_state(False, w.controller.url, f"port {port} is in use")
        w.banner.show_message(
            "error",
            f"<b>Port {port} on {host} is already in use</b> — another Event Inspector "
            "or another program is listening there, so the collector is not running.",
            [
                (f"Use port {free}", lambda: w.prefs.use_port(free)),
                ("Settings…", w.prefs.open_settings),
            ],
            closable=False,
        )

    def open_phone_setup(self) -> Any:
        """The phone panel in a dialog: the QR code, the URLs, the token, the --lan switch."""
        from inspector.gui.widgets.phone import PhoneDialog, PhonePanel

        c = self.w.controller
        panel = PhonePanel(c.endpoints, lan=c.lan, token=c.token)
        dlg = PhoneDialog(panel, self.w)
        panel.lanToggled.connect(lambda on: self._lan_from_dialog(dlg, on))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def _lan_from_dialog(self, dlg: QDialog, on: bool) -> None:
        dlg.accept()
        self.set_lan(on)

    def set_lan(self, on: bool) -> None:
        """Let phones on this network connect (or stop): restart the collector with --lan."""
        if on != self.w.controller.lan:
            if not on:
                self.w.banner.hide()
            self.w.spawn(self.w.controller.restart(lan=on))
