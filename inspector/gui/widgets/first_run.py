"""Shown while the session is empty: how to point each SDK at this collector, with copy buttons."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def snippets(url: str) -> list[tuple[str, str, str]]:
    """(title, language, code) for every supported client, using the collector's real URL."""
    hostport = urlsplit(url).netloc
    return [
        (
            "segment-analytics-python",
            "Python",
            f'''import segment.analytics as analytics

analytics.write_key = "YOUR_WRITE_KEY"
analytics.host = "{url}"

analytics.identify("user-1", {{"email": "ada@example.com"}})
analytics.track("user-1", "Signed Up", {{"plan": "pro"}})
analytics.flush()''',
        ),
        (
            "@segment/analytics-node",
            "JavaScript",
            f'''import {{ Analytics }} from "@segment/analytics-node"

const analytics = new Analytics({{
  writeKey: "YOUR_WRITE_KEY",
  host: "{url}",
  flushAt: 1,
}})
analytics.track({{ userId: "user-1", event: "Signed Up" }})''',
        ),
        (
            "analytics.js (browser)",
            "JavaScript",
            f'''import {{ AnalyticsBrowser }} from "@segment/analytics-next"

// cdnURL: settings come from the inspector; apiHost: events go to it
export const analytics = AnalyticsBrowser.load(
  {{ writeKey: "YOUR_WRITE_KEY", cdnURL: "{url}" }},
  {{ integrations: {{ "Segment.io": {{ apiHost: "{hostport}/v1", protocol: "http" }} }} }},
)
analytics.track("Signed Up", {{ plan: "pro" }})''',
        ),
        (
            "Customer.io (customerio-cdp-analytics)",
            "Python",
            f'''from customerio import analytics

analytics.write_key = "YOUR_API_KEY"
analytics.host = "{url}"

analytics.identify("user-1", {{"email": "ada@example.com"}})
analytics.flush()''',
        ),
        (
            "Customer.io (browser, @customerio/cdp-analytics-browser)",
            "JavaScript",
            f'''import {{ AnalyticsBrowser }} from "@customerio/cdp-analytics-browser"

// as Customer.io's docs load it: the inspector's settings send the events here
export const cioanalytics = AnalyticsBrowser.load({{
  writeKey: "YOUR_API_KEY",
  cdnURL: "{url}",
}})
cioanalytics.track("Signed Up", {{ plan: "pro" }})''',
        ),
        (
            "RudderStack (rudder-sdk-python)",
            "Python",
            f'''import rudderstack.analytics as rudder_analytics

rudder_analytics.write_key = "YOUR_WRITE_KEY"
rudder_analytics.dataPlaneUrl = "{url}"

rudder_analytics.track("user-1", "Signed Up", {{"plan": "pro"}})
rudder_analytics.flush()''',
        ),
        (
            "KISSmetrics (py-KISSmetrics)",
            "Python",
            f'''from KISSmetrics import Client

km = Client(key="YOUR_API_KEY", trk_host="{hostport}", trk_scheme="http")
km.record("ada@example.com", "Signed Up", {{"Plan": "Pro"}})''',
        ),
        (
            "curl",
            "Shell",
            # a messageId (dedupe) and a timestamp, as the libraries send them: no finding
            f"""curl -u YOUR_WRITE_KEY: -H "Content-Type: application/json" \\
  -d '{{"userId":"user-1","event":"Signed Up","properties":{{"plan":"pro"}},
       "messageId":"curl-'"$(date +%s%N)"'",
       "timestamp":"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'"}}' \\
  {url}/v1/track""",
        ),
    ]


class SnippetCard(QFrame):
    copied = Signal(str)

    def __init__(self, title: str, lang: str, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snippetCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.code = code
        head = QHBoxLayout()
        t = QLabel(f"<b>{title}</b> <span style='color:gray'>{lang}</span>")
        self.copy_btn = QPushButton("Copy")
        self.copy_btn.setObjectName("copySnippet")
        self.copy_btn.clicked.connect(self._copy)
        head.addWidget(t, 1)
        head.addWidget(self.copy_btn)
        self.text = QPlainTextEdit(code)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fm = self.text.fontMetrics()
        lines = code.splitlines() or [""]
        # every line fits; room for a horizontal scroll bar when the card is narrower
        bar = self.text.style().pixelMetric(self.text.style().PixelMetric.PM_ScrollBarExtent)
        self.text.setFixedHeight(int(fm.lineSpacing() * (len(lines) + 0.6)) + 12 + bar)
        self.code_width = max(fm.horizontalAdvance(ln) for ln in lines) + 48
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 10)
        lay.addLayout(head)
        lay.addWidget(self.text)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copy_btn.setText("Copied ✓")
        self.copied.emit(self.code)


class FirstRunPanel(QScrollArea):
    lanToggled = Signal(bool)  # the phone panel's "phones on this network" switch

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cards: list[SnippetCard] = []
        self.url = ""
        self._key: tuple[Any, ...] = ()
        self._inner = QWidget()
        self.setWidget(self._inner)
        self._lay = QVBoxLayout(self._inner)
        self._lay.setContentsMargins(24, 18, 24, 18)
        self._grid: QGridLayout | None = None
        self._columns = 0

    def _fit_columns(self) -> int:
        """Two columns when the widest snippet fits twice side by side, else one."""
        need = max((c.code_width for c in self.cards), default=0)
        return 2 if self.viewport().width() - 60 >= 2 * need else 1

    def _reflow(self) -> None:
        cols = self._fit_columns()
        if self._grid is None or cols == self._columns:
            return
        self._columns = cols
        for card in self.cards:
            self._grid.removeWidget(card)
        for c in range(2):
            self._grid.setColumnStretch(c, 1 if c < cols else 0)
        for i, card in enumerate(self.cards):
            self._grid.addWidget(card, i // cols, i % cols)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._reflow()

    def set_url(
        self,
        url: str,
        endpoints: Any = None,
        lan: bool = False,
        token: str | None = None,
    ) -> None:
        """Show the snippets for ``url`` and the phone panel for ``endpoints`` (every URL a
        device can use; default: ``url`` alone)."""
        from inspector.domain.phone_setup import Endpoints

        endpoints = endpoints or Endpoints(http=[url])
        key = (url, tuple(endpoints.http), tuple(endpoints.https), lan, token)
        if key == self._key:
            return
        self._key = key
        self.url = url
        while self._lay.count():
            item = self._lay.takeAt(0)
            gone = item.widget() if item is not None else None
            if gone is not None:
                gone.deleteLater()
        title = QLabel(
            f"<h2>Waiting for events…</h2>"
            f"<p>Point your analytics SDK at <b><code>{url}</code></b>. "
            "Everything stays on this machine; use any write key — each one shows "
            "up as a separate source.</p>"
        )
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay.addWidget(title)
        from inspector.gui.widgets.phone import PhonePanel

        self.phone = PhonePanel(endpoints, self._inner, lan=lan, token=token)
        self.phone.lanToggled.connect(self.lanToggled)
        self._lay.addWidget(self.phone)
        grid = self._grid = QGridLayout()
        grid.setSpacing(12)
        self.cards = [SnippetCard(t, lang, code, self._inner) for t, lang, code in snippets(url)]
        self._columns = 0
        self._lay.addLayout(grid)
        self._reflow()
        self._lay.addStretch(1)
