"""One request in detail (the Requests tab's lower pane): what arrived, what we answered, its
events and retries; Copy as curl, Resend (here or to the forward URL), Edit and resend."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.capture import RawRequest
from inspector.domain.replay import Outgoing, curl_command, outgoing
from inspector.domain.request_body import display
from inspector.domain.requests_read import answer_body_text, request_detail
from inspector.domain.store import Store
from inspector.gui.models.requests_list import size_text, upstream_text
from inspector.gui.widgets.body_view import BodyView, json_error

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def request_text(d: dict[str, Any], raw: RawRequest) -> tuple[str, str]:
    """The request as the Request tab shows it (first line, headers, notes, body) and its
    body part."""
    target = d["path"] + (f"?{d['query']}" if d.get("query") else "")
    lines = [f"{d['method']} {target}", ""]
    lines += [f"{k}: {v}" for k, v in d["headers"].items()]
    lines.append("")
    notes, body = display(raw.body, raw.content_encoding, stored_decoded=not raw.rejected)
    lines += notes
    lines.append(body)
    return "\n".join(lines), body


def answer_text(d: dict[str, Any]) -> str:
    a = d.get("answer")
    if not a:
        return "The answer to this request was not kept (it came before this version)."
    lines = [f"HTTP {a.get('status')}"]
    lines += [f"{k}: {v}" for k, v in (a.get("headers") or {}).items()]
    if a.get("delayMs"):
        lines.append(f"(answered after an injected delay of {a['delayMs']:,} ms)")
    lines += ["", answer_body_text(a)]
    return "\n".join(lines)


def received_text(d: dict[str, Any]) -> str:
    rec = d["body"]["received"]
    if rec.get("sameAsDecoded"):
        return "Received as shown in the Request tab (no Content-Encoding)."
    if rec.get("kept") is False:
        return f"Received with Content-Encoding {rec.get('contentEncoding')}: {rec.get('note')}."
    head = f"{rec.get('size', 0):,} bytes received, Content-Encoding {rec.get('contentEncoding')}"
    return head + "\n\n" + (rec.get("hex") or rec.get("text") or "")


def headline(d: dict[str, Any]) -> str:
    color = "#d64541" if d["rejected"] else ("#c77c02" if d["status"] >= 300 else "#2e9d5b")
    parts = [
        f"<b>{html.escape(d['method'])} {html.escape(d['path'])}</b>",
        f"<span style='color:{color}'><b>{d['status']}</b></span>",
    ]
    if d.get("durationMs") is not None:
        parts.append(f"{d['durationMs']:,.1f} ms")
    parts.append(
        size_text(d["size"]) + (f" {d['contentEncoding']}" if d["contentEncoding"] else "")
    )
    if d.get("client"):
        parts.append(html.escape(d["client"]))
    parts.append(f"{len(d['eventIds'])} events")
    up = upstream_text(d.get("upstream"))
    if up:
        parts.append(f"upstream {html.escape(up)}")
    text = " · ".join(parts)
    why = (d.get("error") or {}).get("message") if d.get("error") else None
    if why:
        text += f"<br><span style='color:#d64541'>{html.escape(why)}</span>"
    elif d.get("fault"):
        text += f"<br><span style='color:#c77c02'>fault injected: {html.escape(d['fault'])}</span>"
    return text


class RequestDetail(QWidget):
    eventClicked = Signal(int)  # an event id
    requestClicked = Signal(int)  # a request id (a retry)
    editRequested = Signal(object)  # an Outgoing to edit
    resendRequested = Signal(object, str)  # an Outgoing, and "here" | "forward"

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestDetail")
        self.store = store
        self.base_url: Callable[[], str] = lambda: ""
        self.forward_url: Callable[[], str | None] = lambda: None
        self.detail: dict[str, Any] | None = None
        self.raw: RawRequest | None = None
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setContentsMargins(8, 6, 8, 2)
        self.copy_curl = QPushButton("Copy as curl", self)
        self.copy_curl.clicked.connect(self.copy_as_curl)
        self.resend = QToolButton(self)
        self.resend.setText("Resend")
        self.resend.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.resend.clicked.connect(lambda: self._resend("here"))
        menu = QMenu(self.resend)
        self.resend_here = menu.addAction("Resend to this collector")
        self.resend_here.triggered.connect(lambda: self._resend("here"))
        self.resend_forward = menu.addAction("Resend to the forward URL")
        self.resend_forward.triggered.connect(lambda: self._resend("forward"))
        self.resend.setMenu(menu)
        self.edit = QPushButton("Edit and resend…", self)
        self.edit.clicked.connect(self._edit)
        self.result = QLabel(self)
        self.result.setObjectName("resendResult")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 0, 8, 4)
        for w in (self.copy_curl, self.resend, self.edit):
            buttons.addWidget(w)
        buttons.addWidget(self.result, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.request_view = BodyView(self)
        self.received_view = BodyView(self)
        self.answer_view = BodyView(self)
        self.events = QListWidget(self)
        self.events.itemActivated.connect(self._event_clicked)
        self.events.itemClicked.connect(self._event_clicked)
        self.retries = QListWidget(self)
        self.retries.itemActivated.connect(self._retry_clicked)
        self.retries.itemClicked.connect(self._retry_clicked)
        self.tabs.addTab(self.request_view, "Request")
        self.tabs.addTab(self.received_view, "Received")
        self.tabs.addTab(self.answer_view, "Answer")
        self.tabs.addTab(self.events, "Events")
        self.tabs.addTab(self.retries, "Retries")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addLayout(buttons)
        lay.addWidget(self.tabs, 1)
        self.show_request(None)

    # -- showing --------------------------------------------------------------------------
    def show_request(self, request_id: int | None) -> None:
        d = request_detail(self.store, request_id) if request_id else None
        raw = self.store.get_request(request_id) if request_id and d else None
        self.detail, self.raw = d, raw
        for w in (self.copy_curl, self.resend, self.edit):
            w.setEnabled(d is not None)
        self.result.setText("")
        self.events.clear()
        self.retries.clear()
        if d is None or raw is None:
            self.title.setText("<span style='color:gray'>Select a request to see it here.</span>")
            for v in (self.request_view, self.received_view, self.answer_view):
                v.setPlainText("")
            self.tabs.setTabText(3, "Events")
            self.tabs.setTabText(4, "Retries")
            return
        self.title.setText(headline(d))
        text, body = request_text(d, raw)
        self.request_view.show_text(text, body_at=len(text) - len(body), error=json_error(body))
        self.received_view.setPlainText(received_text(d))
        self.answer_view.setPlainText(answer_text(d))
        self._fill_events(d["eventIds"])
        for r in d["retries"]:
            item = QListWidgetItem(
                f"#{r['id']}  {r['receivedAt']}  {r['status']}  {r['method']} {r['path']}"
                f"  — {r['sharedMessageIds']} messageIds in common"
            )
            item.setData(ID_ROLE, r["id"])
            self.retries.addItem(item)
        self.tabs.setTabText(3, f"Events ({len(d['eventIds'])})")
        self.tabs.setTabText(4, f"Retries ({len(d['retries'])})")
        self.resend_forward.setEnabled(bool(self.forward_url()))

    def _fill_events(self, ids: list[int]) -> None:
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        rows = self.store.select(
            f"SELECT id, type, event, name, message_id, dup FROM events WHERE id IN ({marks}) "
            "ORDER BY batch_index",
            ids,
        )
        for eid, typ, event, name, mid, dup in rows:
            label = event or name or ""
            text = f"#{eid}  {typ}  {label}  ({mid})" + ("  duplicate" if dup else "")
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, eid)
            self.events.addItem(item)

    def _event_clicked(self, item: QListWidgetItem) -> None:
        self.eventClicked.emit(int(item.data(ID_ROLE)))

    def _retry_clicked(self, item: QListWidgetItem) -> None:
        self.requestClicked.emit(int(item.data(ID_ROLE)))

    # -- acting on it ---------------------------------------------------------------------
    def outgoing(self) -> Outgoing | None:
        return outgoing(self.raw) if self.raw is not None else None

    def copy_as_curl(self) -> str | None:
        req = self.outgoing()
        if req is None:
            return None
        cmd = curl_command(req, self.base_url())
        QGuiApplication.clipboard().setText(cmd)
        note = f" ({'; '.join(req.notes)})" if req.notes else ""
        self.result.setText(f"curl command copied{note}")
        return cmd

    def _resend(self, where: str) -> None:
        req = self.outgoing()
        if req is not None:
            self.resendRequested.emit(req, where)

    def _edit(self) -> None:
        req = self.outgoing()
        if req is not None:
            self.editRequested.emit(req)

    def show_result(self, text: str) -> None:
        self.result.setText(text)
