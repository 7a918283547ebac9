"""A small panel for phones and emulators: the QR code that opens /phone, every URL a device
can use, the API token, the ``--lan`` switch, and emulator steps."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.phone_setup import (
    Endpoints,
    code_spans,
    emulator_steps,
    is_loopback_url,
)

LAN_TEXT = "Phones on this network can connect (--lan)"


def qr_pixmap(url: str, scale: int = 4) -> QPixmap:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix


def device_urls(endpoints: Endpoints) -> list[str]:
    """The URLs another device can use: the LAN's, HTTPS first."""
    return [u for u in endpoints.https + endpoints.http if not is_loopback_url(u)]


def beyond_loopback_html(host: str, lan: bool, endpoints: Endpoints, token: str | None) -> str:
    """The window's banner while other machines can reach the collector."""
    who = "Phones on this network can connect" if lan else f"Listening on {html.escape(host)}"
    text = f"<b>{who}</b>: other machines on your network can send events to this inspector."
    if token:
        text += (
            " Reading them through /api needs the API token "
            f"<code>{html.escape(token)}</code> (X-Inspector-Token header or ?token=)."
        )
    urls = device_urls(endpoints)
    if urls:
        text += "<br>A device can use: " + " · ".join(
            f"<code>{html.escape(u)}</code>" for u in urls
        )
    return text


class PhonePanel(QFrame):
    """Shown in the first-run panel (and the phone setup dialog): how a phone (QR code) or an
    emulator reaches the collector; the switch that lets phones on this network connect."""

    lanToggled = Signal(bool)

    def __init__(
        self,
        endpoints: Endpoints,
        parent: QWidget | None = None,
        *,
        lan: bool = False,
        token: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("phonePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.endpoints = endpoints
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        page = endpoints.phone_page
        self.qr: QLabel | None = None
        if not is_loopback_url(page):
            self.qr = QLabel()
            self.qr.setObjectName("phoneQr")
            self.qr.setPixmap(qr_pixmap(page))
            self.qr.setToolTip(page)
            lay.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        head = "<b>Phones and emulators</b>"
        urls = device_urls(endpoints)
        if self.qr is not None:
            head += (
                f"<br>Scan the code, or open <a href='{page}'>{page}</a> on the phone: the "
                "collector's URLs, its certificate authority and each mobile SDK's settings."
            )
            if urls:
                head += "<br>A device can use: " + " · ".join(
                    f"<code>{html.escape(u)}</code>" for u in urls
                )
            if token:
                head += (
                    f"<br>API token (for <code>/api</code> from other machines): "
                    f"<code>{html.escape(token)}</code>"
                )
        elif lan:
            head += (
                "<br>No LAN address to listen on (not connected to a network?): only this "
                f"machine and emulators reach it. This collector's own page: "
                f"<a href='{page}'>{page}</a>"
            )
        else:
            head += (
                "<br>For a phone on your network, tick the box below (or start with "
                "<code>--lan</code>, also <code>event-inspector serve --lan</code>): the "
                "collector then listens on this machine's LAN addresses too, with HTTPS and "
                "its own certificate authority, and <code>/api</code> needs a token. This "
                f"collector's own page: <a href='{page}'>{page}</a>"
            )
        self.title = QLabel(head)
        self.title.setWordWrap(True)
        self.title.setOpenExternalLinks(True)
        self.title.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        text.addWidget(self.title)
        self.lan = QCheckBox(LAN_TEXT)
        self.lan.setObjectName("lanToggle")
        self.lan.setChecked(lan)
        self.lan.setToolTip(
            "Listen on this machine's LAN addresses as well as loopback, with HTTPS on the "
            "next port and a token on /api; off: this machine only"
        )
        self.lan.toggled.connect(self.lanToggled)
        text.addWidget(self.lan)
        steps = emulator_steps(endpoints.port("http") or 8787, endpoints.port("https"))
        self.steps = QLabel("<br>".join(f"• {code_spans(html.escape(s))}" for s in steps))
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.steps)
        lay.addLayout(text, 1)


class PhoneDialog(QDialog):
    """The phone panel on its own, from the window's banner once events hide the first-run
    panel."""

    def __init__(self, panel: PhonePanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneDialog")
        self.setWindowTitle("Phones and emulators")
        self.setMinimumWidth(620)
        self.panel = panel
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(panel)
        lay.addWidget(buttons)
