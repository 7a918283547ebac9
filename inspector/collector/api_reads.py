"""The ``/api`` event reads as they run in a query thread (:class:`QueryRunner`): compile,
count, the first page, and the chunks of a streamed answer (a large ``limit``, an export)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspector.collector.qa_query import compile_for
from inspector.collector.service import CollectorService
from inspector.domain import jsoncodec
from inspector.domain.query import CompiledQuery
from inspector.domain.secrets import mask_json_text
from inspector.domain.store import Session, event_from_row
from inspector.domain.store_read import Cursor, Reader
from inspector.domain.store_vocab import hints_json, query_hints

STREAM_AT = 1000  # a page of more events than this is streamed, this many at a time
EXPORT_CHUNK = 5000
_ID, _SEQ = 0, 2  # positions in an EVENT_COLUMNS row


@dataclass(slots=True)
class Chunk:
    """Events serialized for the answer, and where the next chunk starts."""

    body: bytes
    count: int
    cursor: Cursor


def events_json(rows: list[Any]) -> Chunk:
    """Rows as the comma-separated JSON of ``to_api()`` events (built in the query thread)."""
    body = b",".join(jsoncodec.dumps(event_from_row(r).to_api()) for r in rows)
    cursor = (rows[-1][_SEQ], rows[-1][_ID]) if rows else (0, 0)
    return Chunk(body, len(rows), cursor)


@dataclass(slots=True)
class FirstPage:
    query: CompiledQuery
    total: int
    chunk: Chunk
    #: why a valid query found nothing (``[{"column", "text"}]``; empty when it found some)
    hints: list[dict[str, object]]


def first_page(
    reader: Reader, svc: CollectorService, session: Session, q: str, limit: int, offset: int
) -> FirstPage:
    """Compile ``q`` for the session, count its events, read the first (or only) chunk; when
    none match, the hints of the window's filter bar (a term that cannot match, and what was
    probably meant)."""
    cq = compile_for(svc, session, q, reader=reader)
    total = cq.count(reader, session.id)
    rows = reader.page_rows(
        session.id, cq.where, cq.params, limit=min(limit, STREAM_AT), offset=offset, total=total
    )
    hints = hints_json(query_hints(reader, session.id, cq.query)) if total == 0 else []
    return FirstPage(cq, total, events_json(rows), hints)


def next_events(
    reader: Reader, session_id: int, cq: CompiledQuery, cursor: Cursor, limit: int
) -> Chunk:
    rows = reader.chunk_after(session_id, cursor, cq.where, cq.params, limit=limit)
    return events_json(rows)


def export_chunk(
    reader: Reader, session_id: int, cq: CompiledQuery, cursor: Cursor
) -> tuple[bytes, Cursor | None]:
    """The next NDJSON lines of an export and the cursor after them (None: the end)."""
    rows = reader.chunk_after(
        session_id, cursor, cq.where, cq.params, limit=EXPORT_CHUNK, columns="seq, id, message"
    )
    if not rows:
        return b"", None
    body = ("\n".join(mask_json_text(r[2]) for r in rows) + "\n").encode()  # keys masked
    return body, ((rows[-1][0], rows[-1][1]) if len(rows) == EXPORT_CHUNK else None)
