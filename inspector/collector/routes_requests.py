"""``GET /api/requests`` (every request, newest last) and ``GET /api/requests/{id}``."""

from __future__ import annotations

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.routes_api import BadRequest, bad, int_param, pick_session
from inspector.collector.routes_ingest import json_response
from inspector.domain.query import QueryError
from inspector.domain.request_query import compile_request_query
from inspector.domain.requests_read import (
    count_requests,
    iter_requests,
    list_item,
    list_requests,
    request_detail,
)


def request_filter(q: str) -> tuple[str, list[object]]:
    """The SQL of a request filter; a bad one is a 400 that says where."""
    try:
        return compile_request_query(q)
    except QueryError as exc:
        raise BadRequest("invalid_query", str(exc)) from exc


async def list_all(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    session = pick_session(request)
    where, params = request_filter(request.query.get("q", ""))
    limit = int_param(request, "limit", 100, 0, 100_000)
    offset = int_param(request, "offset", 0)
    await svc.writer.flush()
    total = count_requests(svc.store, session.id, where, params)
    reqs = list_requests(svc.store, session.id, where, params, limit=limit, offset=offset)
    return json_response(
        200,
        {"total": total, "session": session.to_dict(), "requests": [list_item(r) for r in reqs]},
    )


async def get_one(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    raw_id = request.match_info["id"]
    if not raw_id.isdigit() or len(raw_id) > 18:
        return bad("invalid_parameter", f"request id {raw_id!r} is not a number")
    await svc.writer.flush()
    detail = request_detail(svc.store, int(raw_id))
    if detail is None:
        return json_response(404, {"code": "not_found", "message": f"no request {raw_id}"})
    return json_response(200, detail)


async def export_har(request: web.Request) -> web.StreamResponse:
    """``GET /api/export?format=har[&q=][&session=]``: the requests as HAR 1.2, streamed."""
    from inspector.collector.cors import apply_cors
    from inspector.domain.har import har_chunks

    svc = request.app[SERVICE]
    session = pick_session(request)
    where, params = request_filter(request.query.get("q", ""))
    await svc.writer.flush()
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    resp.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.har"'
    apply_cors(request, resp)
    await resp.prepare(request)
    reqs = iter_requests(svc.store, session.id, where, params)
    buf: list[str] = []
    for piece in har_chunks(reqs, comment=f"session {session.name}"):
        buf.append(piece)
        if len(buf) >= 50:
            await resp.write("".join(buf).encode())
            buf.clear()
    await resp.write("".join(buf).encode())
    await resp.write_eof()
    return resp


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/requests", list_all)
    app.router.add_get("/api/requests/{id}", get_one)
