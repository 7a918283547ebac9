"""The Requests tab: every request of the shown session, live, newest last, with a request
filter, and the selected request in detail below (Copy as curl, Resend, Edit and resend)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.query import QueryError
from inspector.domain.replay import Outgoing
from inspector.domain.request_query import compile_request_query
from inspector.domain.requests_read import count_requests, list_requests
from inspector.domain.store import Store
from inspector.gui.models.requests_list import MAX_ROWS, RequestsListModel
from inspector.gui.throttle import Coalescer
from inspector.gui.widgets.forward_bar import ForwardBar
from inspector.gui.widgets.request_detail import RequestDetail

WIDTHS = (96, 52, 60, 220, 190, 72, 56, 80, 110)


class RequestsTab(QWidget):
    eventClicked = Signal(int)
    ticked = Signal()  # every 300 ms while shown (the forward state refreshes)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestsTab")
        self.store = store
        self.session_id: Callable[[], int] = lambda: 0
        self.spawn: Callable[[Coroutine[Any, Any, Any]], Any] = lambda c: c.close()
        self.where: tuple[str, list[Any]] = ("", [])
        self.shown_session = 0
        self.model = RequestsListModel(self)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("requestsFilter")
        self.filter.setPlaceholderText(
            "Filter requests: status:>=400  method:post  path:/v1/*  client:segment*  "
            "rejected:true  fault:true"
        )
        self.filter.setClearButtonEnabled(True)
        self.filter.returnPressed.connect(self.apply_filter)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda _t: self._debounce.start())
        self.message = QLabel(self)
        self.message.setObjectName("requestsMessage")
        # a long filter error must not widen the window
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message.setMinimumWidth(160)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 4)
        top.addWidget(self.filter, 3)
        top.addWidget(self.message, 1)
        self.forward_bar = ForwardBar(self)
        self.table = QTableView(self)
        self.table.setObjectName("allRequestsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for i, w in enumerate(WIDTHS):
            self.table.setColumnWidth(i, w)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.detail = RequestDetail(store, self)
        self.detail.eventClicked.connect(self.eventClicked)
        self.detail.requestClicked.connect(self.select_request)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(top)
        lay.addWidget(self.forward_bar)
        lay.addWidget(self.splitter, 1)
        self._upstream_pending: dict[int, dict[str, Any] | None] = {}
        self._incoming = Coalescer(self._arrived, 100, self, freeze_gc=False)
        self._follow = QTimer(self)
        self._follow.setInterval(300)
        self._follow.timeout.connect(self._check_session)

    # -- wiring ---------------------------------------------------------------------------
    def follow(self, session_id: Callable[[], int]) -> None:
        """Show the session ``session_id()`` names, and follow it when it changes."""
        self.session_id = session_id
        self.reload()
        self._follow.start()

    def stop(self) -> None:
        """The window closes: follow nothing more (the store closes after it)."""
        self._follow.stop()
        self._incoming.discard()

    def _check_session(self) -> None:
        if self.session_id() != self.shown_session:
            self.reload()
        self.ticked.emit()

    def on_capture(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        """A collector listener: each stored request (on the loop's thread, the Qt one)."""
        if raw.session_id == self.shown_session:
            self._incoming.add_one(raw)

    def _arrived(self, raws: list[RawRequest]) -> None:
        at_bottom = self._at_bottom()
        if self.where[0]:  # only the new ones that match, from the store
            where, params = self.where
            fresh = list_requests(
                self.store,
                self.shown_session,
                where,
                params,
                limit=None,
                after_id=self.model.last_id,
            )
        else:
            fresh = raws
        self.model.append(fresh)
        if self._upstream_pending:
            last = self.model.last_id
            for rid in [r for r in self._upstream_pending if r <= last]:
                self.model.update_upstream(rid, self._upstream_pending.pop(rid))
        self._count()
        if at_bottom and fresh:
            self.table.scrollToBottom()

    def _at_bottom(self) -> bool:
        bar = self.table.verticalScrollBar()
        return bar.value() >= bar.maximum() - 2

    # -- loading and filtering ------------------------------------------------------------
    def apply_filter(self) -> None:
        self._debounce.stop()
        try:
            self.where = compile_request_query(self.filter.text())
        except QueryError as exc:
            self.message.setText(f"<span style='color:#d64541'>{exc}</span>")
            self.filter.setStyleSheet("QLineEdit { border: 1px solid #d64541; }")
            return
        self.filter.setStyleSheet("")
        self.reload()

    def reload(self) -> None:
        self._incoming.discard()
        self.shown_session = sid = self.session_id()
        where, params = self.where
        total = count_requests(self.store, sid, where, params)
        skip = max(0, total - MAX_ROWS)
        rows = list_requests(self.store, sid, where, params, limit=None, offset=skip)
        self.model.load(rows, skip)
        self.detail.show_request(None)
        self._count()
        self.table.scrollToBottom()

    def _count(self) -> None:
        n = self.model.rowCount()
        if self.model.dropped:
            text = f"the latest {n:,} of {n + self.model.dropped:,} requests"
        else:
            text = f"{n:,} request{'s' * (n != 1)}"
        self.message.setText(text + (" match" if self.where[0] else ""))

    # -- selection ------------------------------------------------------------------------
    def _selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        self.detail.show_request(
            self.model.request_id(current.row()) if current.isValid() else None
        )

    def select_request(self, request_id: int) -> bool:
        row = self.model.row_of_id(request_id)
        if row is None and self.where[0]:
            self.filter.setText("")
            self.apply_filter()
            row = self.model.row_of_id(request_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def update_upstream(self, request_id: int, upstream: dict[str, Any] | None) -> None:
        """What the forward URL answered (a row not shown yet gets it when it arrives)."""
        if request_id > self.model.last_id:
            if len(self._upstream_pending) < 10_000:
                self._upstream_pending[request_id] = upstream
            return
        self.model.update_upstream(request_id, upstream)

    # -- resending ------------------------------------------------------------------------
    def send(self, req: Outgoing, base: str) -> None:
        from inspector.collector.resend import send

        async def go() -> None:
            self.detail.show_result(f"sending to {base}…")
            sent = await send(req, base)
            self.detail.show_result(f"resent to {base}: {sent.summary()}")

        self.spawn(go())
