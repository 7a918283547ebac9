"""The events of an NDJSON file, in memory: one message a line (or a batch envelope, or the
query API's events), read by :mod:`inspector.domain.ndjson` and built as the collector builds
them (dialects normalised, client detected), numbered by line."""

from __future__ import annotations

import time
from pathlib import Path

from inspector.domain.capture import CapturedEvent
from inspector.domain.intake import Parsed, build_events
from inspector.domain.ndjson import NdjsonError, display_name, is_batch, messages_of, objects


def parse_line(obj: object) -> Parsed:
    """A line as the collector would have received it: a batch keeps its envelope."""
    if is_batch(obj):
        assert isinstance(obj, dict)
        items = [m for m in obj["batch"] if isinstance(m, dict)]
        envelope = {k: v for k, v in obj.items() if k != "batch"}
        return Parsed(items, envelope, None)
    if not isinstance(obj, dict):
        raise TypeError(type(obj).__name__)
    return Parsed(messages_of(obj), None, None)


def read_events(path: str | Path) -> list[CapturedEvent]:
    """Every event of ``path`` (``-``: standard input); an event's id is its line number (the
    items of a batch line share it). Raises :class:`NdjsonError` naming the file and line."""
    now = time.time()
    out: list[CapturedEvent] = []
    for n, obj in objects(path):
        try:
            parsed = parse_line(obj)
        except TypeError as exc:
            raise NdjsonError(
                f"{display_name(path)}: line {n} is {exc}, not a JSON object"
            ) from None
        for ev in build_events(parsed, session_id=0, received_at=now, headers={}, query={}):
            ev.id = ev.seq = n
            out.append(ev)
    return out
