"""Fault rules: add one (status or delay, write key or all, count/share), delete one, or
clear them all (after a confirmation); what each rule did so far is kept up to date."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.faults import FaultInjector, FaultRule
from inspector.gui.dialogs.confirm import confirm_destructive
from inspector.gui.text import plural

RULE_ROLE = Qt.ItemDataRole.UserRole

STATUSES = [
    ("429 Too Many Requests", 429),
    ("500 Internal Server Error", 500),
    ("502 Bad Gateway", 502),
    ("503 Service Unavailable", 503),
    ("400 Bad Request", 400),
    ("Delay only", None),
]


class FaultsDialog(QDialog):
    def __init__(self, faults: FaultInjector, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("faultsDialog")
        self.setWindowTitle("Fault injection")
        self.faults = faults
        self.setMinimumWidth(640)
        self.rules = QListWidget(self)
        self.rules.setObjectName("faultRules")
        self.rules.setWordWrap(True)
        self.rules.setAlternatingRowColors(True)
        self.rules.currentItemChanged.connect(lambda *_: self._sync_buttons())
        self.status = QComboBox(self)
        for label, code in STATUSES:
            self.status.addItem(label, code)
        self.delay = QSpinBox(self)
        self.delay.setRange(0, 120_000)
        self.delay.setSuffix(" ms")
        self.retry_after = QSpinBox(self)
        self.retry_after.setRange(0, 300)
        self.retry_after.setValue(1)
        self.retry_after.setSuffix(" s")
        self.write_key = QLineEdit(self)
        self.write_key.setPlaceholderText("all write keys")
        self.count = QSpinBox(self)
        self.count.setRange(0, 1_000_000)
        self.count.setSpecialValueText("unlimited")
        self.share = QDoubleSpinBox(self)
        self.share.setRange(1, 100)
        self.share.setValue(100)
        self.share.setSuffix(" %")
        self.error = QLabel(self)
        self.error.setStyleSheet("color:#d64541")
        form = QFormLayout()
        form.addRow("Answer", self.status)
        form.addRow("Delay", self.delay)
        form.addRow("Retry-After (429)", self.retry_after)
        form.addRow("Write key", self.write_key)
        form.addRow("For the next", self.count)
        form.addRow("Share of requests", self.share)
        add = QPushButton("Add rule", self)
        add.setObjectName("addFault")
        add.clicked.connect(self.add_rule)
        self.delete_btn = QPushButton("Delete rule", self)
        self.delete_btn.setObjectName("deleteFault")
        self.delete_btn.setToolTip("Delete the selected rule (Delete)")
        self.delete_btn.clicked.connect(self.delete_selected)
        clear = self.clear_btn = QPushButton("Clear all…", self)
        clear.setObjectName("clearFaults")
        clear.clicked.connect(self.ask_clear)
        QShortcut(QKeySequence.StandardKey.Delete, self.rules, self.delete_selected)
        rule_buttons = QHBoxLayout()
        rule_buttons.addStretch(1)
        rule_buttons.addWidget(self.delete_btn)
        rule_buttons.addWidget(clear)
        box = QGroupBox("New rule", self)
        bl = QVBoxLayout(box)
        bl.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(add)
        bl.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel("<b>Active rules</b> — faults show up in the “Rejected &amp; faults” tab.")
        )
        lay.addWidget(self.rules, 1)
        lay.addLayout(rule_buttons)
        lay.addWidget(box)
        lay.addWidget(buttons)
        self.resize(720, 560)
        self.refresh()
        self._live = QTimer(self)  # the "fired" counts change while clients send
        self._live.setInterval(1000)
        self._live.timeout.connect(self._tick)
        self._live.start()

    def rule_from_form(self) -> FaultRule:
        d: dict[str, Any] = {
            "status": self.status.currentData(),
            "delayMs": self.delay.value(),
            "writeKey": self.write_key.text().strip() or None,
            "share": self.share.value() / 100,
        }
        if self.count.value():
            d["count"] = self.count.value()
        if d["status"] == 429:
            d["retryAfter"] = self.retry_after.value()
        return FaultRule.from_dict(d)

    def add_rule(self) -> FaultRule | None:
        try:
            rule = self.faults.add(self.rule_from_form())
        except ValueError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        self.refresh()
        return rule

    def delete_selected(self) -> bool:
        item = self.rules.currentItem()
        rid = item.data(RULE_ROLE) if item is not None else None
        if rid is None:
            return False
        removed = self.faults.remove(int(rid))
        self.refresh()
        return removed

    def ask_clear(self) -> None:
        n = len(self.faults.rules)
        if not n:
            return
        confirm_destructive(
            self,
            "Clear fault rules",
            f"Remove all {plural(n, 'fault rule')}?",
            "Remove all",
            self.clear_rules,
            "Requests are answered normally again; the rules are not kept anywhere else.",
        )

    def clear_rules(self) -> None:
        self.faults.clear()
        self.refresh()

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        current = self.rules.currentItem()
        keep = current.data(RULE_ROLE) if current is not None else None
        self.rules.clear()
        for r in self.faults.rules:
            who = f"write key {r.write_key}" if r.write_key else "all write keys"
            many = (
                f"the next {plural(r.count, 'request')}" if r.count is not None else "every request"
            )
            share = f", {r.share:.0%} of them" if r.share < 1 else ""
            item = QListWidgetItem(
                f"{r.label} — {who}, {many}{share} · fired {plural(r.fired, 'time')}"
            )
            item.setData(RULE_ROLE, r.id)
            self.rules.addItem(item)
            if r.id == keep:
                self.rules.setCurrentItem(item)
        if not self.faults.rules:
            self.rules.addItem("No fault rules: every request is answered normally.")
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        item = self.rules.currentItem()
        self.delete_btn.setEnabled(item is not None and item.data(RULE_ROLE) is not None)
        self.clear_btn.setEnabled(bool(self.faults.rules))
