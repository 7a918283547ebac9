"""The detail pane of the selected event: Pretty, Raw and Lint tabs."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.capture import CapturedEvent, RawRequest, epoch_iso
from inspector.domain.devices import device_of
from inspector.domain.labels import identify_label
from inspector.domain.request_body import display
from inspector.domain.secrets import mask_fields, mask_query
from inspector.gui.theme import TYPE_COLORS
from inspector.gui.widgets.body_view import BodyView, show_raw
from inspector.gui.widgets.elided_label import ElidedLabel
from inspector.gui.widgets.filter_bar import quote_value
from inspector.gui.widgets.finding_marks import mark_findings
from inspector.gui.widgets.json_tree import JsonTree

SEV_COLORS = {"error": "#d64541", "warning": "#c98b00", "info": "#4a78d0"}


def raw_text(ev: CapturedEvent | None, raw: RawRequest | None) -> str:
    if raw is None:
        return "The HTTP request of this event is not stored."
    lines = [
        f"{raw.method} {raw.path}{'?' + mask_query(raw.query) if raw.query else ''}",
        f"received {epoch_iso(raw.received_at)} · status {raw.status} · {raw.size:,} bytes"
        + (f" · {raw.content_encoding}" if raw.content_encoding else ""),
    ]
    if ev is not None and ev.batch_size > 1:
        lines.append(f"this event is item {ev.batch_index + 1} of {ev.batch_size} in the batch")
    if raw.fault:
        lines.append(f"fault injected: {raw.fault}")
    if raw.rejected:
        lines.append(f"rejected ({raw.error_code}): {raw.error}")
    lines.append("")
    lines.extend(f"{k}: {v}" for k, v in raw.headers.items())
    lines.append("")
    notes, body = raw_body(raw)
    lines.extend(notes)
    lines.append(body)
    return "\n".join(lines)


def raw_body(raw: RawRequest) -> tuple[list[str], str]:
    """Notes and the body as the Raw view shows it (JSON pretty, hex, a broken gzip decoded
    as far as it goes): a rejected request is kept as it came, any other decoded."""
    return display(raw.body, raw.content_encoding, stored_decoded=not raw.rejected)


def _nb(text: str) -> str:
    """Escaped, and never broken inside: a phrase wraps only where two phrases meet."""
    return f"<span style='white-space:nowrap'>{html.escape(text)}</span>"


def time_lines(ev: CapturedEvent) -> list[str]:
    """When it arrived, and what its timestamp says: the client's own, or corrected for the
    client's clock (``receivedAt - (sentAt - timestamp)``), or none sent."""
    from inspector.domain.timeparse import parse_iso

    arrived = f"arrived {epoch_iso(ev.received_at)}"
    m = ev.message
    sent = parse_iso(m.get("originalTimestamp")) or parse_iso(m.get("timestamp"))
    if sent is None:
        return [arrived, "no timestamp sent: the arrival time stands in"]
    own = sent.timestamp()
    shown = f"timestamp {epoch_iso(ev.timestamp)}"
    skew = own - ev.timestamp
    if abs(skew) < 0.0005:
        return [arrived, shown]
    if abs(skew) < 1:  # a few ms of transit between sentAt and timestamp: said, briefly
        return [arrived, shown, f"corrected for clock skew by {abs(skew) * 1000:,.0f} ms"]
    direction = "ahead" if skew > 0 else "behind"
    return [
        arrived,
        shown,
        "corrected for clock skew:",
        f"sent as {epoch_iso(own)},",
        f"the client's clock ran {abs(skew):,.3f} s {direction}",
    ]


def lint_html(findings: list[Any], rules: dict[str, Any]) -> str:
    if not findings:
        return "<p style='color:#2e9d5b'><b>✓ No lint findings.</b></p>"
    parts = []
    for f in findings:
        rule = rules.get(f.rule)
        color = SEV_COLORS.get(f.severity, "#888")
        title = getattr(rule, "title", "") if rule else ""
        parts.append(
            f"<p><span style='background:{color};color:white;padding:1px 6px;"
            f"border-radius:3px'><b>{html.escape(f.severity.upper())}</b></span> "
            f"<b>{html.escape(f.rule)}</b> {html.escape(title)}<br>"
            f"{html.escape(f.message)}"
            + (f"<br><code>{html.escape(f.path)}</code>" if f.path else "")
        )
        if rule is not None:
            expl = getattr(rule, "explanation", "")
            url = getattr(rule, "url", "")
            if expl:
                parts.append(f"<br><span style='color:gray'>{html.escape(expl)}</span>")
            if url:
                parts.append(f"<br><a href='{html.escape(url)}'>{html.escape(url)}</a>")
        parts.append("</p>")
    return "".join(parts)


class DetailPane(QTabWidget):
    filterRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setDocumentMode(True)
        pretty = QWidget(self)
        self.badge = QLabel(pretty)
        self.badge.setObjectName("typeBadge")
        self.title = ElidedLabel(pretty)
        self.title.setObjectName("eventTitle")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.title.setFont(f)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header = QLabel(pretty)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.header.linkActivated.connect(self._header_link)
        self.device_term = ""  # the filter term for the shown event's device
        top = QHBoxLayout()
        top.setContentsMargins(8, 8, 8, 0)
        top.setSpacing(8)
        top.addWidget(self.badge)
        top.addWidget(self.title, 1)
        self.tree = JsonTree(pretty)
        self.tree.filterRequested.connect(self.filterRequested)
        lay = QVBoxLayout(pretty)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(top)
        self.header.setContentsMargins(8, 2, 8, 6)
        lay.addWidget(self.header)
        lay.addWidget(self.tree, 1)
        self.raw = BodyView(self)
        self.lint = QTextBrowser(self)
        self.lint.setOpenExternalLinks(True)
        self.addTab(pretty, "Pretty")
        self.addTab(self.raw, "Raw")
        self.addTab(self.lint, "Lint")
        self.shown_event: CapturedEvent | None = None
        self.show_event(None, None, {})

    def show_event(
        self, ev: CapturedEvent | None, raw: RawRequest | None, rules: dict[str, Any]
    ) -> None:
        self.shown_event = ev
        self.badge.setVisible(ev is not None)
        if ev is not None and ev.type == "identify":
            self.title.setText(identify_label(ev.message))
        else:
            self.title.setText(ev.label or "" if ev is not None else "")
        if ev is None:
            self.header.setText("<span style='color:gray'>Select an event to see it here.</span>")
            self.tree.clear()
            self.raw.setPlainText("")
            self.lint.setHtml("")
            self.setTabText(2, "Lint")
            return
        color = TYPE_COLORS.get(ev.type, "#7f8c8d")
        self.badge.setText(ev.type)
        self.badge.setStyleSheet(
            f"background:{color}; color:white; font-weight:bold; "
            "border-radius:9px; padding:2px 10px;"
        )
        # a long id may need a line of its own: it wraps after "messageId", never inside
        facts = [f"{_nb('messageId')} {_nb(ev.message_id)}"]
        if ev.generated_message_id:
            facts.append(_nb("generated by the inspector (none sent)"))
        lines = [" · ".join(facts), " · ".join(_nb(x) for x in time_lines(ev))]
        device = device_of(ev.message)
        self.device_term = f"device:{quote_value(device.filter_value)}" if device else ""
        if device is not None:
            lines.append(
                f"{_nb('from ' + device.label)} · <span style='white-space:nowrap'>"
                "<a href='device'>only this device</a></span>"
            )
        if ev.dup:
            lines.insert(
                0,
                "<span style='color:#d64541'><b>duplicate messageId</b>: "
                "this message arrived before</span>",
            )
        self.header.setText("<span style='color:gray'>" + "<br>".join(lines) + "</span>")
        self.tree.set_json(mask_fields(ev.message))
        mark_findings(self.tree, ev.lint)  # the field each finding points at
        self._show_raw(ev, raw)
        self.lint.setHtml(lint_html(ev.lint, rules))
        self.setTabText(2, f"Lint ({len(ev.lint)})" if ev.lint else "Lint")

    def _header_link(self, link: str) -> None:
        if link == "device" and self.device_term:
            self.filterRequested.emit(self.device_term)

    def show_placeholder(self, text: str) -> None:
        """Nothing selected where the user is looking: say how to select something."""
        self.show_event(None, None, {})
        self.header.setText(f"<span style='color:gray'>{html.escape(text)}</span>")

    def show_request(self, raw: RawRequest | None) -> None:
        """Show a request without events (rejected / faulted) in the Raw tab."""
        self.shown_event = None
        self.badge.hide()
        self.title.setText("")
        self.header.setText(
            "<span style='color:gray'>A request with no accepted events — see the Raw tab.</span>"
        )
        self.tree.clear()
        self._show_raw(None, raw)
        self.lint.setHtml("")
        self.setCurrentIndex(1)

    def _show_raw(self, ev: CapturedEvent | None, raw: RawRequest | None) -> None:
        """The Raw tab: the event marked inside its batch, a caret at a JSON error."""
        text = raw_text(ev, raw)
        show_raw(self.raw, text, raw_body(raw)[1] if raw is not None else "", ev)
