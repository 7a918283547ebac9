"""A small dialog to add and clear fault rules (status or delay, write key or all, count/share)."""

from __future__ import annotations

from typing import Any

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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.faults import FaultInjector, FaultRule

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
        self.rules = QListWidget(self)
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
        clear = QPushButton("Clear all", self)
        clear.setObjectName("clearFaults")
        clear.clicked.connect(self.clear_rules)
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
        lay.addWidget(self.rules)
        lay.addWidget(clear)
        lay.addWidget(box)
        lay.addWidget(buttons)
        self.refresh()

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

    def clear_rules(self) -> None:
        self.faults.clear()
        self.refresh()

    def refresh(self) -> None:
        self.rules.clear()
        for r in self.faults.rules:
            who = f"write key {r.write_key}" if r.write_key else "all write keys"
            many = f"next {r.count}" if r.count is not None else "every"
            share = f", {r.share:.0%} of requests" if r.share < 1 else ""
            self.rules.addItem(f"{r.label} — {who}, {many} request(s){share} (fired {r.fired})")
        if not self.faults.rules:
            self.rules.addItem("No fault rules: every request is answered normally.")
