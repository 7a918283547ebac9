"""The table's columns, and the source column's text (the name column's is
:func:`inspector.domain.labels.row_label`)."""

from __future__ import annotations

from inspector.domain.secrets import mask_key

# column order of the display tuple
TIME, TYPE, LABEL, USER, ANON, SOURCE, LINT, ID = range(8)
# the table's columns: the tuple's first seven, then the duplicate mark (kept beside it)
DUP = 7
COLUMN_NAMES = (
    "Arrived",
    "Type",
    "Event / name",
    "userId",
    "anonymousId",
    "Source",
    "Lint",
    "Dup",
)
COLUMN_TIPS = {
    TIME: "When the collector received the event (arrival time, local clock). The event's own "
    "timestamp, corrected for clock skew, is in the detail pane.",
    LINT: "The most severe lint finding of the event (E error, W warning, i info)",
    DUP: "dup: a message with this messageId arrived before (a retry or a double send)",
    SOURCE: "The client library that sent the event, and its write key",
}


def source_text(write_key: str | None, client: str | None, library: str | None) -> str:
    who = client or library or "unknown client"
    return f"{who} · {mask_key(write_key)}" if write_key else who
