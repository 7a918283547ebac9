"""The events of an NDJSON file, in memory: one message a line (or a batch envelope), built
as the collector builds them (dialects normalised, client detected), numbered by line."""

from __future__ import annotations

import time
from pathlib import Path

from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent
from inspector.domain.intake import Parsed, build_events


class EventFileError(ValueError):
    """The file cannot be read, or a line is not a JSON object (the message says which)."""


def parse_line(obj: object) -> Parsed:
    if isinstance(obj, dict) and "type" not in obj and isinstance(obj.get("batch"), list):
        items = [m for m in obj["batch"] if isinstance(m, dict)]
        envelope = {k: v for k, v in obj.items() if k != "batch"}
        return Parsed(items, envelope, None)
    if not isinstance(obj, dict):
        raise TypeError(type(obj).__name__)
    return Parsed([obj], None, None)


def read_events(path: str | Path, text: str | None = None) -> list[CapturedEvent]:
    """Every event of ``path`` (or of ``text``, read from it already); an event's id is its
    line number (the items of a batch line share it), its position its index."""
    p = Path(path)
    if text is None:
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise EventFileError(f"{p}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise EventFileError(f"{p}: cannot read: {exc}") from None
    now = time.time()
    out: list[CapturedEvent] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            parsed = parse_line(jsoncodec.loads(line))
        except (jsoncodec.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EventFileError(f"{p}: line {n} is not JSON: {exc}") from None
        except TypeError as exc:
            raise EventFileError(f"{p}: line {n} is {exc}, not a JSON object") from None
        for ev in build_events(parsed, session_id=0, received_at=now, headers={}, query={}):
            ev.id = ev.seq = n
            out.append(ev)
    return out
