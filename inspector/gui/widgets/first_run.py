"""Shown while the session is empty: how to point each SDK at this collector, with copy buttons."""

from __future__ import annotations

from urllib.parse import urlsplit

# ruff: noqa: E501  (the snippets are code the user copies verbatim)
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
        ("segment-analytics-python", "Python", f'''import segment.analytics as analytics

analytics.write_key = "YOUR_WRITE_KEY"
analytics.host = "{url}"

analytics.identify("user-1", {{"email": "ada@example.com"}})
analytics.track("user-1", "Signed Up", {{"plan": "pro"}})
analytics.flush()'''),
        ("@segment/analytics-node", "JavaScript", f'''import {{ Analytics }} from "@segment/analytics-node"

const analytics = new Analytics({{
  writeKey: "YOUR_WRITE_KEY",
  host: "{url}",
  flushAt: 1,
}})
analytics.track({{ userId: "user-1", event: "Signed Up" }})'''),
        ("analytics.js (browser)", "JavaScript", f'''import {{ AnalyticsBrowser }} from "@segment/analytics-next"

// cdnURL: settings come from the inspector; apiHost: events go to it
export const analytics = AnalyticsBrowser.load(
  {{ writeKey: "YOUR_WRITE_KEY", cdnURL: "{url}" }},
  {{ integrations: {{ "Segment.io": {{ apiHost: "{hostport}/v1", protocol: "http" }} }} }},
)
analytics.track("Signed Up", {{ plan: "pro" }})'''),
        ("Customer.io (customerio-cdp-analytics)", "Python", f'''from customerio import analytics

analytics.write_key = "YOUR_API_KEY"
analytics.host = "{url}"

analytics.identify("user-1", {{"email": "ada@example.com"}})
analytics.flush()'''),
        ("RudderStack (rudder-sdk-python)", "Python", f'''import rudderstack.analytics as rudder_analytics

rudder_analytics.write_key = "YOUR_WRITE_KEY"
rudder_analytics.dataPlaneUrl = "{url}"

rudder_analytics.track("user-1", "Signed Up", {{"plan": "pro"}})
rudder_analytics.flush()'''),
        ("KISSmetrics (py-KISSmetrics)", "Python", f'''from KISSmetrics import Client

km = Client(key="YOUR_API_KEY", trk_host="{hostport}", trk_scheme="http")
km.record("ada@example.com", "Signed Up", {{"Plan": "Pro"}})'''),
        ("curl", "Shell", f'''curl -u YOUR_WRITE_KEY: -H "Content-Type: application/json" \\
  -d '{{"userId":"user-1","event":"Signed Up"}}' {url}/v1/track'''),
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
        lines = code.count("\n") + 1
        self.text.setFixedHeight(int(self.text.fontMetrics().lineSpacing() * (lines + 0.8)) + 12)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 10)
        lay.addLayout(head)
        lay.addWidget(self.text)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copy_btn.setText("Copied ✓")
        self.copied.emit(self.code)


class FirstRunPanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cards: list[SnippetCard] = []
        self.url = ""
        self._inner = QWidget()
        self.setWidget(self._inner)
        self._lay = QVBoxLayout(self._inner)
        self._lay.setContentsMargins(24, 18, 24, 18)

    def set_url(self, url: str) -> None:
        if url == self.url:
            return
        self.url = url
        while self._lay.count():
            item = self._lay.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        title = QLabel(f"<h2>Waiting for events…</h2>"
                       f"<p>Point your analytics SDK at <b><code>{url}</code></b>. "
                       "Everything stays on this machine; use any write key — each one shows "
                       "up as a separate source.</p>")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay.addWidget(title)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.cards = []
        for i, (t, lang, code) in enumerate(snippets(url)):
            card = SnippetCard(t, lang, code, self._inner)
            self.cards.append(card)
            grid.addWidget(card, i // 2, i % 2)
        self._lay.addLayout(grid)
        self._lay.addStretch(1)
