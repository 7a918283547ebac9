"""The query API (``/api/*``) that CI scripts, tests and the pytest plugin assert on."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.routes_ingest import json_response
from inspector.domain import jsoncodec
from inspector.domain.store import Session


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
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(writer.flush()), SETTLE_TIMEOUT)
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


async def list_events(request: web.Request) -> web.Response:
    from inspector.collector.qa_query import compile_for

    svc = request.app[SERVICE]
    session = pick_session(request)
    limit = int_param(request, "limit", 100, 0, 100_000)
    offset = int_param(request, "offset", 0)
    await svc.writer.flush()
    cq = compile_for(svc, session, request.query.get("q", ""))
    where, params = cq.where, list(cq.params)
    total = svc.store.count_events(session.id, where, params)
    events = svc.store.events(session.id, where, params, limit=limit, offset=offset)
    return json_response(
        200, {"total": total, "session": session.to_dict(), "events": [e.to_api() for e in events]}
    )


async def get_event(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    try:
        event_id = int(request.match_info["id"])
    except ValueError:
        return bad("invalid_parameter", f"event id {request.match_info['id']!r} is not a number")
    ev = svc.store.get_event(event_id)
    if ev is None:
        return json_response(404, {"code": "not_found", "message": f"no event {event_id}"})
    return json_response(200, ev.to_api(svc.store.get_request(ev.request_id)))


async def clear_events(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    await svc.clear()
    return json_response(200, {"success": True, "session": svc.session.to_dict()})


async def rejected(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    session = pick_session(request)
    await svc.writer.flush()
    total, reqs = svc.store.rejected(
        session.id, limit=int_param(request, "limit", 100), offset=int_param(request, "offset", 0)
    )
    out = []
    for r in reqs:
        d = r.to_dict()
        d["error"] = {"code": r.error_code, "message": r.error}
        out.append(d)
    return json_response(200, {"total": total, "requests": out})


async def stats(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    session = pick_session(request)
    await svc.writer.flush()
    body = svc.store.stats(session.id)
    body["session"] = session.to_dict()
    body["faultsInjected"] = svc.faults.injected
    return json_response(200, body)


async def export(request: web.Request) -> web.StreamResponse:
    from inspector.collector.qa_query import compile_for

    svc = request.app[SERVICE]
    session = pick_session(request)
    await svc.writer.flush()
    cq = compile_for(svc, session, request.query.get("q", ""))
    where, params = cq.where, list(cq.params)
    resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    resp.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ndjson"'
    from inspector.collector.cors import apply_cors

    apply_cors(request, resp)
    await resp.prepare(request)
    buf: list[str] = []
    for line in svc.store.iter_messages_json(session.id, where, params):
        buf.append(line)
        if len(buf) >= 500:
            await resp.write(("\n".join(buf) + "\n").encode())
            buf.clear()
    if buf:
        await resp.write(("\n".join(buf) + "\n").encode())
    await resp.write_eof()
    return resp


async def sessions(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    return json_response(
        200, {"current": svc.session.to_dict(), "sessions": svc.store.list_sessions()}
    )


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
    from inspector.domain.identity import MODES, compare_modes, replay

    svc = request.app[SERVICE]
    session = pick_session(request)
    mode = request.query.get("mode") or session.merge_mode
    if mode not in MODES:
        return bad("invalid_mode", f"unknown merge mode {mode!r}; one of {', '.join(MODES)}")
    user = request.query.get("user") or None
    await svc.writer.flush()
    live = svc.live_identity
    if session.id == svc.session.id and live is not None and live.mode == mode:
        graph = svc.identity
    else:  # another mode or session: replay the stored session through that mode's rules
        graph = replay(svc.store.iter_events(session.id), mode)
    body = graph.snapshot(user=user)
    body["mode"] = mode
    if request.query.get("compare") in ("1", "true", "yes"):
        body["disagreements"] = compare_modes(list(svc.store.iter_events(session.id)))
    return json_response(200, body)


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
