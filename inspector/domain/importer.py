"""Load an NDJSON file (one message a line) into a session, through the same pipeline."""

from __future__ import annotations

import time
from pathlib import Path

from inspector.domain import jsoncodec
from inspector.domain.capture import RawRequest
from inspector.domain.intake import Parsed, build_events
from inspector.domain.pipeline import SessionPipeline, build_pipeline
from inspector.domain.store import Session, Store


class ImportError_(ValueError):  # not the builtin ImportError
    pass


def read_ndjson(path: Path) -> list[tuple[int, dict[str, object]]]:
    """``(line number, message)`` for each non-blank line; raises with the line that is bad."""
    out: list[tuple[int, dict[str, object]]] = []
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                msg = jsoncodec.loads(line)
            except (jsoncodec.JSONDecodeError, UnicodeDecodeError) as exc:
                raise ImportError_(f"{path}:{n}: not JSON: {exc}") from exc
            if not isinstance(msg, dict):
                raise ImportError_(f"{path}:{n}: expected a JSON object per line")
            out.append((n, msg))
    return out


def import_ndjson(
    store: Store,
    path: Path,
    session_name: str,
    pipeline: SessionPipeline | None = None,
    chunk: int = 1000,
) -> tuple[Session, int]:
    rows = read_ndjson(path)
    session = store.open_session(session_name)
    if pipeline is None:
        pipeline = build_pipeline(
            identity_mode=session.merge_mode, seen_message_ids=store.message_ids(session.id)
        )
    total = 0
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        now = time.time()
        raw = RawRequest(
            session_id=session.id,
            received_at=now,
            method="IMPORT",
            path=str(path),
            query=f"lines={part[0][0]}-{part[-1][0]}",
            content_type="application/x-ndjson",
            size=path.stat().st_size,
        )
        events = build_events(
            Parsed([m for _, m in part], None, None),
            session_id=session.id,
            received_at=now,
            headers={},
            query={},
        )
        raw.event_count = len(events)
        store.allocate(raw, events)
        pipeline.process(events, raw)
        store.write([raw], events)
        total += len(events)
    store.index_all()
    return session, total
