"""The request reads of ``/api`` as they run in a query thread (:class:`QueryRunner`): the
list's count and pages, one request's detail, and the chunks of a HAR export.

Each runs over the query thread's own read-only connection and within the query budget (a
read past it is ``400 query_too_slow``), never on the event loop, so a large list, a
detail with many retries to look for or a HAR export of a big session never holds up ingest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import RawRequest
from inspector.domain.har import har_entries
from inspector.domain.requests_read import (
    count_requests,
    list_item,
    list_requests,
    request_detail,
)
from inspector.domain.store import Store, request_from_row
from inspector.domain.store_read import Reader

STREAM_AT = 1000  # a page of more requests than this is streamed, this many at a time
HAR_CHUNK = 100  # requests (with their bodies) per HAR chunk


class ReaderRequests:
    """The :class:`~inspector.domain.requests_read.RequestSource` of a query thread: the
    store's request columns, read through the thread's reader (and its budget)."""

    def __init__(self, reader: Reader, store: Store) -> None:
        self.reader = reader
        self.request_columns = store.request_columns

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.reader.rows(sql, params)

    def get_request(self, request_id: int) -> RawRequest | None:
        rows = self.reader.rows(
            f"SELECT {self.request_columns} FROM requests WHERE id=?", (request_id,)
        )
        return request_from_row(rows[0]) if rows else None


@dataclass(slots=True)
class Page:
    """List items serialized for the answer, how many, and the last request id in them."""

    body: bytes
    count: int
    last_id: int


def _page(reqs: list[RawRequest]) -> Page:
    body = b",".join(jsoncodec.dumps(list_item(r)) for r in reqs)
    return Page(body, len(reqs), reqs[-1].id if reqs else 0)


def first_page(
    reader: Reader,
    store: Store,
    session_id: int,
    where: str,
    params: Sequence[Any],
    limit: int,
    offset: int,
) -> tuple[int, Page]:
    """The total of requests matching, and the first (or only) chunk of the page asked for."""
    src = ReaderRequests(reader, store)
    total = count_requests(src, session_id, where, params)
    reqs = list_requests(src, session_id, where, params, limit=min(limit, STREAM_AT), offset=offset)
    return total, _page(reqs)


def next_page(
    reader: Reader,
    store: Store,
    session_id: int,
    where: str,
    params: Sequence[Any],
    after_id: int,
    limit: int,
) -> Page:
    src = ReaderRequests(reader, store)
    return _page(list_requests(src, session_id, where, params, limit=limit, after_id=after_id))


def detail(reader: Reader, store: Store, request_id: int) -> dict[str, Any] | None:
    return request_detail(ReaderRequests(reader, store), request_id)


def har_chunk(
    reader: Reader,
    store: Store,
    session_id: int,
    where: str,
    params: Sequence[Any],
    after_id: int,
) -> tuple[bytes, int | None]:
    """The next HAR entries (text) after request ``after_id``, and the id to go on after
    (None: that was the last). ``after_id`` 0 is the start: its first entry opens the list."""
    src = ReaderRequests(reader, store)
    cond = f" AND ({where})" if where else ""
    rows = src.select(
        f"SELECT {src.request_columns} FROM requests WHERE session_id=? AND id>?{cond} "
        f"ORDER BY id LIMIT {HAR_CHUNK}",
        (session_id, after_id, *params),
    )
    reqs = [request_from_row(r) for r in rows]
    text = "".join(har_entries(reqs, first=after_id == 0))
    more = reqs[-1].id if len(reqs) == HAR_CHUNK else None
    return text.encode(), more


# -- GET /api/rejected: rejected requests with their bodies and reasons --------------------
REJECTED_CHUNK = 100  # rejected requests carry their bodies: fewer at a time


def _rejected_page(reqs: list[RawRequest]) -> Page:
    items = []
    for r in reqs:
        d = r.to_dict()
        d["error"] = {"code": r.error_code, "message": r.error}
        items.append(jsoncodec.dumps(d))
    return Page(b",".join(items), len(reqs), reqs[-1].id if reqs else 0)


def _rejected_rows(
    src: ReaderRequests, session_id: int, tail: str, params: tuple[Any, ...]
) -> list[Any]:
    return src.select(
        f"SELECT {src.request_columns} FROM requests WHERE session_id=? AND rejected=1{tail}",
        (session_id, *params),
    )


def rejected_first(
    reader: Reader, store: Store, session_id: int, limit: int, offset: int
) -> tuple[int, Page]:
    """How many requests of the session were rejected, and the first chunk of the page."""
    src = ReaderRequests(reader, store)
    total = int(
        reader.scalar(
            "SELECT COUNT(*) FROM requests WHERE session_id=? AND rejected=1", (session_id,)
        )
    )
    n = min(limit, REJECTED_CHUNK)
    rows = _rejected_rows(src, session_id, f" ORDER BY id LIMIT {n} OFFSET {int(offset)}", ())
    return total, _rejected_page([request_from_row(r) for r in rows])


def rejected_next(reader: Reader, store: Store, session_id: int, after_id: int, limit: int) -> Page:
    src = ReaderRequests(reader, store)
    tail = f" AND id>? ORDER BY id LIMIT {int(min(limit, REJECTED_CHUNK))}"
    rows = _rejected_rows(src, session_id, tail, (after_id,))
    return _rejected_page([request_from_row(r) for r in rows])
