"""The query API (``/api/*``) that CI scripts, tests and the pytest plugin assert on."""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.routes_ingest import json_response
from inspector.domain import jsoncodec
from inspector.domain.store import Session
from inspector.domain.store_read import QueryTooSlow


class BadRequest(ValueError):
    """A 400 with ``{"code", "message"}`` and any ``extra`` fields (a query's ``column``)."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


def bad(code: str, message: str, **extra: Any) -> web.Response:
    return json_response(400, {"code": code, "message": message, **extra})


def int_param(
    request: web.Request, name: str, default: int, lo: int = 0, hi: int = 1_000_000
) -> int:
    raw = request.query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("invalid_parameter", f"{name}={raw!r} is not an integer") from None
    if not lo <= value <= hi:
        raise BadRequest("invalid_parameter", f"{name}={value} is outside {lo}..{hi}")
    return value


def pick_session(request: web.Request) -> Session:
    svc = request.app[SERVICE]
    key = request.query.get("session")
    if not key:
        return svc.session
    found = svc.store.find_session(key)
    if found is None:
        raise web.HTTPNotFound(
            text=jsoncodec.dumps_str({"code": "unknown_session", "message": f"no session {key!r}"}),
            content_type="application/json",
        )
    return found


SETTLE_TIMEOUT = 30.0  # seconds a query waits for the writer to catch up under overload


@web.middleware
async def settled_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every ``/api`` read sees every request acknowledged before it (read-your-writes):
    it waits for the store writer to process what is in the inbox. Under a flood it answers
    after :data:`SETTLE_TIMEOUT` with what is stored, and says how much is not, in
    ``X-Inspector-Backlog``."""
    if not request.path.startswith("/api/") or request.method == "OPTIONS":
        return await handler(request)  # type: ignore[no-any-return]
    writer = request.app[SERVICE].writer
    await writer.settle(SETTLE_TIMEOUT)  # and no flush in the handler waits past it
    resp: web.StreamResponse = await handler(request)
    if writer.backlog > 0 and not resp.prepared:
        resp.headers["X-Inspector-Backlog"] = str(writer.backlog)
    return resp


@web.middleware
async def bad_request_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        resp: web.StreamResponse = await handler(request)
        return resp
    except BadRequest as exc:
        return bad(exc.code, exc.message, **exc.extra)
    except QueryTooSlow as exc:
        return bad(
            "query_too_slow",
            f"the query ran longer than {exc.seconds:g} s and was stopped; narrow it (a type:, "
            "event: or lint: term, a rarer word, a simpler regex) or read fewer events at once",
            seconds=exc.seconds,
        )


async def list_events(request: web.Request) -> web.StreamResponse:
    """Count and page in a query thread (never on the event loop), within the query budget; a
    page of more than ``STREAM_AT`` events is streamed a chunk at a time."""
    from inspector.collector import api_reads as reads

    svc = request.app[SERVICE]
    session = pick_session(request)
    limit = int_param(request, "limit", 100, 0, 100_000)
    offset = int_param(request, "offset", 0)
    q = request.query.get("q", "")
    first = await svc.queries.run(lambda r: reads.first_page(r, svc, session, q, limit, offset))
    head = b'{"total":%d,"session":%s,"hints":%s,"events":[' % (
        first.total,
        jsoncodec.dumps(session.to_dict()),
        jsoncodec.dumps(first.hints),
    )
    chunk, left = first.chunk, min(limit, max(first.total - offset, 0)) - first.chunk.count
    if left <= 0 or chunk.count < reads.STREAM_AT:
        return web.Response(body=head + chunk.body + b"]}", content_type="application/json")
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    _before_stream(request, resp)
    await resp.prepare(request)
    await resp.write(head + chunk.body)
    try:
        while left > 0:
            c, n = chunk.cursor, min(left, reads.STREAM_AT)
            chunk = await svc.queries.run(
                partial(reads.next_events, session_id=session.id, cq=first.query, cursor=c, limit=n)
            )
            if not chunk.count:
                break
            await resp.write(b"," + chunk.body)
            left -= chunk.count
    except QueryTooSlow:
        return _abort(request, resp)
    await resp.write(b"]}")
    await resp.write_eof()
    return resp


def _before_stream(request: web.Request, resp: web.StreamResponse) -> None:
    """What the middlewares would add to a plain answer, on a streamed one (prepared here)."""
    from inspector.collector.cors import apply_cors

    apply_cors(request, resp)
    backlog = request.app[SERVICE].writer.backlog
    if backlog > 0:
        resp.headers["X-Inspector-Backlog"] = str(backlog)


def _abort(request: web.Request, resp: web.StreamResponse) -> web.StreamResponse:
    """A streamed read that ran past its budget after the answer began: the client sees an
    incomplete answer (never a silently short one)."""
    if request.transport is not None:
        request.transport.abort()
    return resp


async def get_event(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    try:
        event_id = int(request.match_info["id"])
    except ValueError:
        return bad("invalid_parameter", f"event id {request.match_info['id']!r} is not a number")

    def read(_: Any) -> dict[str, Any] | None:
        ev = svc.store.get_event(event_id)
        return None if ev is None else ev.to_api(svc.store.get_request(ev.request_id))

    body = await svc.queries.run(read)
    if body is None:
        return json_response(404, {"code": "not_found", "message": f"no event {event_id}"})
    return json_response(200, body)


async def clear_events(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    await svc.clear()
    return json_response(200, {"success": True, "session": svc.session.to_dict()})


async def rejected(request: web.Request) -> web.StreamResponse:
    from inspector.collector.routes_requests import rejected as read_rejected

    return await read_rejected(request)


async def stats(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    session = pick_session(request)
    body = await svc.queries.run(lambda _: svc.store.stats(session.id))
    body["session"] = session.to_dict()
    body["faultsInjected"] = svc.faults.injected
    return json_response(200, body)


async def export(request: web.Request) -> web.StreamResponse:
    """NDJSON, streamed: each chunk is read in a query thread within the budget (or HAR)."""
    fmt = request.query.get("format", "ndjson")
    if fmt == "har":
        from inspector.collector.routes_requests import export_har

        return await export_har(request)
    if fmt != "ndjson":
        raise BadRequest("invalid_parameter", f"format={fmt!r}: one of ndjson, har")
    from inspector.collector import api_reads as reads
    from inspector.collector.qa_query import compile_for
    from inspector.domain.store_read import Cursor

    svc = request.app[SERVICE]
    session = pick_session(request)
    q = request.query.get("q", "")

    def first(r: Any) -> tuple[Any, bytes, Cursor | None]:
        cq = compile_for(svc, session, q, reader=r)
        return (cq, *reads.export_chunk(r, session.id, cq, (0, 0)))

    cq, body, cursor = await svc.queries.run(first)
    resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    resp.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ndjson"'
    _before_stream(request, resp)
    await resp.prepare(request)
    try:
        while True:
            if body:
                await resp.write(body)
            if cursor is None:
                break
            body, cursor = await svc.queries.run(
                partial(reads.export_chunk, session_id=session.id, cq=cq, cursor=cursor)
            )
    except QueryTooSlow:
        return _abort(request, resp)
    await resp.write_eof()
    return resp


async def sessions(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    listed = await svc.queries.run(lambda _: svc.store.list_sessions())
    return json_response(200, {"current": svc.session.to_dict(), "sessions": listed})


async def faults_get(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    return json_response(
        200, {"faults": [r.to_dict() for r in svc.faults.rules], "injected": svc.faults.injected}
    )


async def faults_post(request: web.Request) -> web.Response:
    from inspector.domain.faults import FaultRule

    svc = request.app[SERVICE]
    try:
        data = jsoncodec.loads(await request.read())
        rule = svc.faults.add(FaultRule.from_dict(data))
    except (ValueError, TypeError, KeyError) as exc:
        return bad("invalid_fault", str(exc))
    return json_response(200, rule.to_dict())


async def faults_delete(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    svc.faults.clear()
    return json_response(200, {"success": True})


async def identities(request: web.Request) -> web.Response:
    """``GET /api/identities[?mode=][&user=][&session=]``: people, edges and warnings."""
    from inspector.domain.identity import MODES, compare_modes
    from inspector.domain.identity.stored import replay_stored

    svc = request.app[SERVICE]
    session = pick_session(request)
    mode = request.query.get("mode") or session.merge_mode
    if mode not in MODES:
        return bad("invalid_mode", f"unknown merge mode {mode!r}; one of {', '.join(MODES)}")
    user = request.query.get("user") or None
    compare = request.query.get("compare") in ("1", "true", "yes")

    def read(_: Any) -> dict[str, Any]:  # a catch-up or replay: in a query thread
        live = svc.live_identity
        if session.id == svc.session.id and live is not None and live.mode == mode:
            graph = svc.identity
        else:  # another mode or session: replay the stored session through that mode's rules
            graph = replay_stored(svc.store.identity_rows, session.id, mode)
        body: dict[str, Any] = graph.snapshot(user=user)
        body["mode"] = mode
        if compare:
            body["disagreements"] = compare_modes(list(svc.store.iter_events(session.id)))
        return body

    return json_response(200, await svc.queries.run(read, budget=None))


async def health(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    return json_response(200, {"ok": True, "session": svc.session.to_dict()})


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/health", health)
    r.add_get("/api/events", list_events)
    r.add_delete("/api/events", clear_events)
    r.add_get("/api/events/{id}", get_event)
    r.add_get("/api/rejected", rejected)
    r.add_get("/api/stats", stats)
    r.add_get("/api/export", export)
    r.add_get("/api/sessions", sessions)
    r.add_get("/api/identities", identities)
    r.add_get("/api/faults", faults_get)
    r.add_post("/api/faults", faults_post)
    r.add_delete("/api/faults", faults_delete)
