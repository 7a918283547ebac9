"""Status bar: events, events/s, rejected, duplicates, lint errors/warnings."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: dict[str, QLabel] = {}
        for key in ("events", "rate", "rejected", "duplicates", "lint"):
            lab = QLabel(self)
            lab.setObjectName(f"status_{key}")
            lab.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(lab)
            self.labels[key] = lab

    def update_counts(
        self,
        *,
        shown: int,
        total: int,
        rate: float,
        rejected: int,
        faults: int,
        duplicates: int,
        errors: int,
        warnings: int,
        held: int = 0,
    ) -> None:
        ev = f"{total:,} events" if shown == total else f"{shown:,} of {total:,} events"
        if held:
            ev += f" (+{held:,} held while paused)"
        self.labels["events"].setText(ev)
        self.labels["rate"].setText(f"{rate:,.0f} events/s")
        rej = f"{rejected:,} rejected"
        if faults:
            rej += f" · {faults:,} faulted"
        self.labels["rejected"].setText(rej)
        self.labels["duplicates"].setText(f"{duplicates:,} duplicates")
        self.labels["lint"].setText(
            f"<span style='color:#d64541'>● {errors:,} errors</span>&nbsp;&nbsp;"
            f"<span style='color:#c98b00'>● {warnings:,} warnings</span>"
        )
