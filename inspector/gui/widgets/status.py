"""Status bar: events (shown of stored), events/s, rejected, duplicates (a click filters to
them), and how many events have lint errors or warnings (events, not findings)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from inspector.gui.text import plural


class StatusBar(QStatusBar):
    duplicatesClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: dict[str, QLabel] = {}
        for key in ("events", "rate", "rejected", "duplicates", "lint"):
            lab = QLabel(self)
            lab.setObjectName(f"status_{key}")
            lab.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(lab)
            self.labels[key] = lab
        dup = self.labels["duplicates"]
        dup.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        dup.linkActivated.connect(lambda _link: self.duplicatesClicked.emit())
        self.labels["lint"].setToolTip(
            "Events whose most severe lint finding is an error / a warning. The lint panel "
            "counts events per rule; one event can have several findings."
        )
        self.labels["events"].setToolTip("Events shown by the filter, of those stored")

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
        stale: bool = False,
        loading: int = 0,
        counted: bool = False,
        filtering: bool = False,
    ) -> None:
        """``loading``: older events of a resumed session still being read (-1: while they
        are counted); the duplicate and lint counts then wait for them, and say so, unless
        ``counted``: they were counted (from the store's grouped findings) before their rows
        arrived."""
        ev = plural(total, "event") if shown == total else f"{shown:,} of {plural(total, 'event')}"
        if loading > 0:
            ev = f"{shown:,} of {plural(total, 'event')} shown · reading {loading:,} older…"
        elif loading < 0:  # how many is being counted
            ev = f"{plural(shown, 'event')} shown (the newest) · counting older events…"
        if stale:
            ev += " (last valid filter)"
        if filtering:  # the rows counted are the previous filter's
            ev = f"filtering… (until then: {ev})"
        if held:
            ev += f" (+{held:,} held while paused)"
        self.labels["events"].setText(ev)
        self.labels["rate"].setText(f"{rate:,.0f} events/s")
        rej = f"{plural(rejected, 'rejected request')}"
        if faults:
            rej += f" · {faults:,} faulted"
        self.labels["rejected"].setText(rej)
        dup = self.labels["duplicates"]
        waiting = loading and not counted
        if waiting:
            dup.setText("duplicates: counting…")
            dup.setToolTip("Counted once the older events are read")
        elif duplicates:
            dup.setText(f"<a href='dup'>{plural(duplicates, 'duplicate')}</a>")
            dup.setToolTip("Show only the duplicates (filter dup:true)")
        else:
            dup.setText("no duplicates")
            dup.setToolTip("No messageId arrived twice")
        if waiting:
            self.labels["lint"].setText("lint: counting…")
            return
        self.labels["lint"].setText(
            f"<span style='color:#d64541'>● {plural(errors, 'event')} with errors</span>"
            f"&nbsp;&nbsp;<span style='color:#c98b00'>● {warnings:,} with warnings</span>"
        )
