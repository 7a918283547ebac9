"""Reading requests: the list (every request, newest last) and one request's detail.

A request's detail says what arrived (headers masked, the body as received and decoded),
what we answered, which events it carried, and which other requests carried the same
``messageId``\\ s (a client's retries, whatever the collector answered them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from inspector.domain import jsoncodec
from inspector.domain.capture import RawRequest, epoch_iso
from inspector.domain.errors import IntakeError
from inspector.domain.intake import parse_body
from inspector.domain.request_body import describe
from inspector.domain.secrets import mask_query
from inspector.domain.store import request_from_row
from inspector.domain.store_schema import REQUEST_COLUMNS

_BODY = REQUEST_COLUMNS.index("body")


class RequestSource(Protocol):
    """Where requests are read from: the :class:`~inspector.domain.store.Store`, or a query
    thread's read-only connection (``inspector.collector.request_reads``)."""

    request_columns: str

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Any]: ...

    def get_request(self, request_id: int) -> RawRequest | None: ...


def _light_sql(store: RequestSource) -> str:
    """The columns the list reads: every one but the body."""
    cols = store.request_columns.split(", ")
    return ", ".join(cols[:_BODY] + cols[_BODY + 1 :])


# how far around a request its retries are looked for: events by id, faulted requests by id
RETRY_EVENT_WINDOW = 50_000
RETRY_REQUEST_WINDOW = 2_000
_MID_SAMPLE = 16  # messageIds looked up to find candidate retries (then checked in full)


def light_request(row: Sequence[Any]) -> RawRequest:
    """A request row read without its body (:func:`_light_sql` columns)."""
    full = list(row)
    full.insert(_BODY, b"")
    return request_from_row(full)


def list_item(r: RawRequest) -> dict[str, Any]:
    """One entry of ``GET /api/requests``."""
    return {
        "id": r.id,
        "receivedAt": epoch_iso(r.received_at),
        "method": r.method,
        "path": r.path,
        "query": mask_query(r.query),
        "status": r.status,
        "client": r.client,
        "size": r.size,
        "eventCount": r.event_count,
        "rejected": r.rejected,
        "fault": r.fault,
        "durationMs": r.duration_ms,
        "upstream": r.upstream,
        "error": {"code": r.error_code, "message": r.error} if r.error_code else None,
        "contentEncoding": r.content_encoding or None,
    }


def count_requests(
    store: RequestSource, session_id: int, where: str = "", params: Sequence[Any] = ()
) -> int:
    cond = f" AND ({where})" if where else ""
    rows = store.select(
        f"SELECT COUNT(*) FROM requests WHERE session_id=?{cond}", (session_id, *params)
    )
    return int(rows[0][0])


def list_requests(
    store: RequestSource,
    session_id: int,
    where: str = "",
    params: Sequence[Any] = (),
    *,
    limit: int | None = 100,
    offset: int = 0,
    after_id: int = 0,
) -> list[RawRequest]:
    """Requests of a session in arrival order (bodies not read)."""
    cond = f" AND ({where})" if where else ""
    lim = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = store.select(
        f"SELECT {_light_sql(store)} FROM requests WHERE session_id=? AND id>?{cond} "
        f"ORDER BY id{lim}",
        (session_id, after_id, *params),
    )
    return [light_request(r) for r in rows]


def iter_requests(
    store: RequestSource,
    session_id: int,
    where: str = "",
    params: Sequence[Any] = (),
    chunk: int = 500,
) -> Iterable[RawRequest]:
    """Every request of a session with its body, in arrival order, a chunk at a time."""
    cond = f" AND ({where})" if where else ""
    cols = store.request_columns
    last = 0
    while True:
        rows = store.select(
            f"SELECT {cols} FROM requests WHERE session_id=? AND id>?{cond} ORDER BY id "
            f"LIMIT {int(chunk)}",
            (session_id, last, *params),
        )
        if not rows:
            return
        for row in rows:
            yield request_from_row(row)
        last = rows[-1][0]


# -- events of a request ------------------------------------------------------------------
def _first_event_at_or_after(store: RequestSource, request_id: int) -> int | None:
    """The id of the first event whose request id is ``>= request_id``, by binary search over
    event ids (requests and their events get increasing ids in the same order)."""
    top = store.select("SELECT MAX(id) FROM events")[0][0]
    if top is None:
        return None
    lo, hi = 1, int(top) + 1
    while lo < hi:
        mid = (lo + hi) // 2
        row = store.select("SELECT request_id FROM events WHERE id>=? ORDER BY id LIMIT 1", (mid,))
        if not row or (row[0][0] or 0) >= request_id:
            hi = mid
        else:
            lo = mid + 1
    return lo


def request_events(store: RequestSource, raw: RawRequest) -> list[tuple[int, str]]:
    """``(event id, messageId)`` of the events stored from ``raw``, in batch order."""
    if raw.event_count == 0 or raw.rejected or raw.status >= 300:
        return []
    start = _first_event_at_or_after(store, raw.id)
    found: list[tuple[int, str]] = []
    if start is not None:
        found = [
            (r[0], r[1])
            for r in store.select(
                "SELECT id, message_id FROM events WHERE id>=? AND id<? AND request_id=? "
                "ORDER BY id",
                (start, start + raw.event_count, raw.id),
            )
        ]
    if len(found) != raw.event_count:  # ids were not given in order (an import): look at all
        found = [
            (r[0], r[1])
            for r in store.select(
                "SELECT id, message_id FROM events WHERE session_id=? AND request_id=? "
                "ORDER BY batch_index",
                (raw.session_id, raw.id),
            )
        ]
    return found


def body_message_ids(raw: RawRequest) -> list[str]:
    """The ``messageId``\\ s in a request's body (for requests whose events were not stored:
    the client was answered with an error and will send them again)."""
    if raw.rejected or not raw.body:
        return []
    route = raw.path.rstrip("/").rsplit("/", 1)[-1].lower()
    try:
        parsed = parse_body(route, raw.body)
    except IntakeError:
        return []
    mids = (m.get("messageId") for m in parsed.messages)
    return [m for m in mids if isinstance(m, str) and m]


# -- retries ------------------------------------------------------------------------------
def _sample(ids: list[str]) -> list[str]:
    if len(ids) <= _MID_SAMPLE:
        return ids
    step = len(ids) / _MID_SAMPLE
    return [ids[int(i * step)] for i in range(_MID_SAMPLE)]


def related_requests(
    store: RequestSource, raw: RawRequest, message_ids: list[str]
) -> list[dict[str, Any]]:
    """Other requests of the session that carried any of ``message_ids``: stored events near
    this request (:data:`RETRY_EVENT_WINDOW` events either side) and requests answered with an
    error that kept their body (:data:`RETRY_REQUEST_WINDOW` requests either side)."""
    if not message_ids:
        return []
    mine = set(message_ids)
    sample = _sample(message_ids)
    marks = ",".join("?" * len(sample))
    anchor = _first_event_at_or_after(store, raw.id) or 0
    lo, hi = anchor - RETRY_EVENT_WINDOW, anchor + RETRY_EVENT_WINDOW
    candidates = {
        r[0]
        for r in store.select(
            f"SELECT DISTINCT request_id FROM events WHERE id BETWEEN ? AND ? AND session_id=? "
            f"AND message_id IN ({marks})",
            (lo, hi, raw.session_id, *sample),
        )
    }
    shared: dict[int, int] = {}
    for rid in candidates - {raw.id}:
        other = store.get_request(rid)
        if other is not None:
            n = sum(1 for _, m in request_events(store, other) if m in mine)
            if n:
                shared[rid] = n
    for row in store.select(
        f"SELECT {store.request_columns} FROM requests WHERE session_id=? AND id<>? "
        "AND id BETWEEN ? AND ? AND rejected=0 AND status>=300 ORDER BY id",
        (raw.session_id, raw.id, raw.id - RETRY_REQUEST_WINDOW, raw.id + RETRY_REQUEST_WINDOW),
    ):
        other = request_from_row(row)
        n = sum(1 for m in body_message_ids(other) if m in mine)
        if n:
            shared[other.id] = n
    out = []
    for rid in sorted(shared):
        rows = store.select(f"SELECT {_light_sql(store)} FROM requests WHERE id=?", (rid,))
        if rows:
            item = list_item(light_request(rows[0]))
            item["sharedMessageIds"] = shared[rid]
            out.append(item)
    return out


def request_detail(store: RequestSource, request_id: int) -> dict[str, Any] | None:
    """Everything about one request (``GET /api/requests/{id}``), or None."""
    raw = store.get_request(request_id)
    if raw is None:
        return None
    events = request_events(store, raw)
    mids = [m for _, m in events] if events else body_message_ids(raw)
    d = list_item(raw)
    d.update(
        session=raw.session_id,
        headers=raw.headers,
        contentType=raw.content_type or None,
        body=describe(raw.body, raw.content_encoding, stored_decoded=not raw.rejected),
        answer=raw.answer,
        eventIds=[e for e, _ in events],
        messageIds=mids,
        retries=related_requests(store, raw, mids),
    )
    return d


def answer_body_text(answer: dict[str, Any] | None) -> str:
    """The answer's body as text (a base64 body, a pixel, is named rather than shown)."""
    if not answer:
        return ""
    if answer.get("bodyEncoding") == "base64":
        return f"({answer.get('headers', {}).get('Content-Type', 'binary')} body)"
    body = answer.get("body") or ""
    try:
        return jsoncodec.pretty(jsoncodec.loads(body))
    except jsoncodec.JSONDecodeError:
        return str(body)
