"""``GET /api/requests`` (every request, newest last), ``GET /api/requests/{id}`` and the HAR
export: read in query threads within the query budget (:mod:`.request_reads`), never on the
event loop; big answers streamed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from aiohttp import web

from inspector.collector import request_reads as reads
from inspector.collector.keys import SERVICE
from inspector.collector.routes_api import (
    BadRequest,
    _abort,
    _before_stream,
    bad,
    int_param,
    pick_session,
)
from inspector.collector.routes_ingest import json_response
from inspector.domain import jsoncodec
from inspector.domain.har import HAR_TAIL, har_head
from inspector.domain.query import QueryError
from inspector.domain.request_query import compile_request_query
from inspector.domain.store_read import QueryTooSlow, Reader


def request_filter(q: str) -> tuple[str, list[object]]:
    """The SQL of a request filter; a bad one is a 400 that says where."""
    try:
        return compile_request_query(q)
    except QueryError as exc:
        raise BadRequest("invalid_query", str(exc), column=exc.column) from exc


async def list_all(request: web.Request) -> web.StreamResponse:
    """Count and page in a query thread within the query budget; a page of more than
    ``STREAM_AT`` requests is streamed a chunk at a time (as ``/api/events``)."""
    svc = request.app[SERVICE]
    session = pick_session(request)
    where, params = request_filter(request.query.get("q", ""))
    limit = int_param(request, "limit", 100, 0, 100_000)
    offset = int_param(request, "offset", 0)
    await svc.writer.flush()
    store = svc.store
    total, page = await svc.queries.run(
        partial(reads.first_page, store=store, session_id=session.id, where=where,
                params=params, limit=limit, offset=offset)
    )  # fmt: skip
    head = b'{"total":%d,"session":%s,"requests":[' % (total, jsoncodec.dumps(session.to_dict()))

    def more(after_id: int, n: int) -> Callable[[Reader], reads.Page]:
        return partial(reads.next_page, store=store, session_id=session.id, where=where,
                       params=params, after_id=after_id, limit=min(n, reads.STREAM_AT))  # fmt: skip

    left = min(limit, max(total - offset, 0)) - page.count
    return await answer_list(request, head, page, left, reads.STREAM_AT, more)


async def rejected(request: web.Request) -> web.StreamResponse:
    """``GET /api/rejected``: rejected requests with their bodies and why, read in a query
    thread within the budget, streamed a chunk at a time past the first."""
    svc = request.app[SERVICE]
    session = pick_session(request)
    limit, offset = int_param(request, "limit", 100), int_param(request, "offset", 0)
    store = svc.store
    total, page = await svc.queries.run(
        partial(reads.rejected_first, store=store, session_id=session.id, limit=limit,
                offset=offset)
    )  # fmt: skip

    def more(after_id: int, n: int) -> Callable[[Reader], reads.Page]:
        return partial(reads.rejected_next, store=store, session_id=session.id,
                       after_id=after_id, limit=n)  # fmt: skip

    left = min(limit, max(total - offset, 0)) - page.count
    head = b'{"total":%d,"requests":[' % total
    return await answer_list(request, head, page, left, reads.REJECTED_CHUNK, more)


async def answer_list(
    request: web.Request,
    head: bytes,
    page: reads.Page,
    left: int,
    chunk: int,
    more: Callable[[int, int], Callable[[Reader], reads.Page]],
) -> web.StreamResponse:
    """``head``, the items, ``]}``: one plain answer when the first chunk holds them all,
    else streamed, each further chunk (``more(after_id, at most n)``) read in a query
    thread within the budget; a chunk past it cuts the answer off (never a short list)."""
    if left <= 0 or page.count < chunk:
        return web.Response(body=head + page.body + b"]}", content_type="application/json")
    svc = request.app[SERVICE]
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    _before_stream(request, resp)
    await resp.prepare(request)
    await resp.write(head + page.body)
    try:
        while left > 0:
            page = await svc.queries.run(more(page.last_id, left))
            if not page.count:
                break
            await resp.write(b"," + page.body)
            left -= page.count
    except QueryTooSlow:
        return _abort(request, resp)
    await resp.write(b"]}")
    await resp.write_eof()
    return resp


async def get_one(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    raw_id = request.match_info["id"]
    if not raw_id.isdigit() or len(raw_id) > 18:
        return bad("invalid_parameter", f"request id {raw_id!r} is not a number")
    await svc.writer.flush()
    detail = await svc.queries.run(partial(reads.detail, store=svc.store, request_id=int(raw_id)))
    if detail is None:
        return json_response(404, {"code": "not_found", "message": f"no request {raw_id}"})
    return json_response(200, detail)


async def export_har(request: web.Request) -> web.StreamResponse:
    """``GET /api/export?format=har[&q=][&session=]``: the requests as HAR 1.2, streamed; each
    chunk is read and turned into entries in a query thread, within the query budget."""
    svc = request.app[SERVICE]
    session = pick_session(request)
    where, params = request_filter(request.query.get("q", ""))
    await svc.writer.flush()
    read = partial(reads.har_chunk, store=svc.store, session_id=session.id, where=where,
                   params=params)  # fmt: skip
    body, after = await svc.queries.run(partial(read, after_id=0))
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    resp.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.har"'
    _before_stream(request, resp)
    await resp.prepare(request)
    await resp.write(har_head(f"session {session.name}").encode() + body)
    try:
        while after is not None:
            body, after = await svc.queries.run(partial(read, after_id=after))
            await resp.write(body)
    except QueryTooSlow:
        return _abort(request, resp)
    await resp.write(HAR_TAIL.encode())
    await resp.write_eof()
    return resp


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/requests", list_all)
    app.router.add_get("/api/requests/{id}", get_one)
