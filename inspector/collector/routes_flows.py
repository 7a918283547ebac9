"""``POST /api/flows/check``: did one person go through the flow's steps in order?

Body: the flow as JSON, ``{"name": …, "steps": [{"q": …}, …]}``. Query parameters:
``timeout`` (seconds; wait until the flow passes, re-checked as events are stored),
``session`` (another stored session), ``scope`` (a query ANDed to every step, e.g.
``writekey:K`` — what the pytest plugin sends for each test). Answers 200 with
``{"passed", "person", "steps": [{"q", "status", "event", …}], …}`` whether or not it passed;
a bad flow or query is a 400 naming the step and column.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.qa_query import MAX_TIMEOUT, compile_for
from inspector.collector.routes_api import BadRequest, pick_session
from inspector.collector.routes_ingest import json_response
from inspector.collector.routes_qa import float_param
from inspector.collector.service import CollectorService
from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.flows import Flow, FlowError, FlowResult, check_flow, flow_from_data
from inspector.domain.flows.sources import StoreSource, session_source
from inspector.domain.store import Session

RECHECK_EVERY = 0.05  # seconds: at most this often while events keep arriving


class Arrivals:
    """Futures resolved when the collector stores events (only while someone waits)."""

    def __init__(self) -> None:
        self.pending: set[asyncio.Future[None]] = set()

    def on_events(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        for fut in list(self.pending):
            if not fut.done():
                fut.set_result(None)

    def next(self) -> asyncio.Future[None]:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.add(fut)
        fut.add_done_callback(self.pending.discard)
        return fut

    async def close(self, app: web.Application) -> None:
        for fut in list(self.pending):
            fut.cancel()


ARRIVALS: web.AppKey[Arrivals] = web.AppKey("flow_arrivals", Arrivals)


def require_json(request: web.Request) -> None:
    """State-free, but a POST of ours is never a "simple" cross-site request: JSON only."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(
            text=jsoncodec.dumps_str(
                {
                    "code": "unsupported_media_type",
                    "message": "send the flow as JSON with Content-Type: application/json "
                    f"(got {request.content_type or 'none'!r})",
                }
            ),
            content_type="application/json",
        )


async def read_flow(request: web.Request) -> Flow:
    require_json(request)
    try:
        data = jsoncodec.loads(await request.read())
    except (jsoncodec.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest("invalid_json", f"request body is not JSON: {exc}") from None
    return flow_from_data(data)


def source_for(svc: CollectorService, session: Session, scope: str) -> StoreSource:
    """The stored session with its people (the session's identity graph, caught up) and the
    scope compiled through the one query door (a 400 with the column when malformed)."""
    stored = svc.identity_of(session)
    graph = stored.graph if stored is not None else None
    comp = compile_for(svc, session, scope, "scope") if scope.strip() else None
    return session_source(svc.store, session.id, graph, replay=False, scope=comp)


async def check(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    arrivals = request.app[ARRIVALS]
    try:
        flow = await read_flow(request)
    except FlowError as exc:
        return json_response(400, exc.to_dict())
    timeout = float_param(request, "timeout", 0.0, 0.0, MAX_TIMEOUT)
    session = pick_session(request)
    scope = request.query.get("scope", "")
    # a malformed scope is a 400 before any waiting (in a query thread: it may catch up)
    await svc.queries.run(lambda _: source_for(svc, session, scope), budget=None)
    started = time.monotonic()
    deadline = started + timeout
    await svc.writer.flush()
    result: FlowResult
    while True:
        fut = arrivals.next()  # first: nothing stored from here on goes unnoticed
        try:
            # in a query thread: the identity catch-up and the reads stay off the event loop
            result = await svc.queries.run(
                lambda _: check_flow(flow, source_for(svc, session, scope), misses=False),
                budget=None,
            )
            left = deadline - time.monotonic()
            if result.passed or left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(fut), left)
        finally:
            fut.cancel()
        await asyncio.sleep(RECHECK_EVERY)
    if not result.passed:
        result = await svc.queries.run(
            lambda _: check_flow(flow, source_for(svc, session, scope)), budget=None
        )
    body: dict[str, Any] = result.to_api()
    body["session"] = session.to_dict()
    body["waitedMs"] = round((time.monotonic() - started) * 1000)
    return json_response(200, body)


def add_routes(app: web.Application) -> None:
    arrivals = Arrivals()
    app[ARRIVALS] = arrivals
    app[SERVICE].add_listener(arrivals.on_events, wants=lambda: bool(arrivals.pending))
    app.on_shutdown.append(arrivals.close)
    app.router.add_post("/api/flows/check", check)
