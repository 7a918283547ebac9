"""A small panel for phones and emulators: the QR code that opens /phone, and emulator steps."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from inspector.domain.phone_setup import (
    Endpoints,
    code_spans,
    emulator_steps,
    is_loopback_url,
)


def qr_pixmap(url: str, scale: int = 4) -> QPixmap:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix


class PhonePanel(QFrame):
    """Shown in the first-run panel: how a phone (QR code) or an emulator reaches the collector."""

    def __init__(self, endpoints: Endpoints, parent: QWidget | None = None) -> None:
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
        if self.qr is not None:
            head += (
                f"<br>Scan the code, or open <a href='{page}'>{page}</a> on the phone: the "
                "collector's URLs, its certificate authority and each mobile SDK's settings."
            )
        else:
            head += (
                "<br>For a phone on your network, run <code>event-inspector serve --tls "
                "--host 0.0.0.0</code>: it serves a phone page with a QR code and the CA to "
                f"trust. This collector's own page: <a href='{page}'>{page}</a>"
            )
        self.title = QLabel(head)
        self.title.setWordWrap(True)
        self.title.setOpenExternalLinks(True)
        text.addWidget(self.title)
        steps = emulator_steps(endpoints.port("http") or 8787, endpoints.port("https"))
        self.steps = QLabel("<br>".join(f"• {code_spans(html.escape(s))}" for s in steps))
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.steps)
        lay.addLayout(text, 1)
