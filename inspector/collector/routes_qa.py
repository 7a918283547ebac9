"""Assertions for QA and CI: ``GET /api/wait`` and ``POST /api/assert``.

``/api/wait`` never polls SQLite in a loop. A waiter registers itself *before* it reads what is
already stored; from then on the collector's listener (called on the loop thread once a request
is committed) hands it only the new events, which it tests with the compiled Python predicate.
Events seen both ways are counted once (by event id). Many waiters cost one predicate call per
waiter per new event, and nothing at all while no event arrives.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.qa_misses import (  # noqa: F401 - re-exported for tests
    arrived_summary,
    closest_misses,
    event_summary,
    split_and_terms,
    top_level_tokens,
)
from inspector.collector.qa_query import MAX_TIMEOUT, Scoped, compile_for, within
from inspector.collector.routes_api import BadRequest, int_param
from inspector.collector.routes_assert import assert_
from inspector.collector.routes_ingest import json_response
from inspector.collector.service import CollectorService
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.store import Session
from inspector.domain.store_read import Reader

Predicate = Callable[[CapturedEvent], bool]


# -- waiting ---------------------------------------------------------------------------------
@dataclass(eq=False)
class Waiter:
    session_id: int
    predicate: Predicate
    count: int
    after: int
    future: asyncio.Future[str]
    found: dict[int, CapturedEvent] = field(default_factory=dict)
    key: tuple[Any, ...] = ()

    def add(self, ev: CapturedEvent) -> None:
        self.found.setdefault(ev.id, ev)
        if len(self.found) >= self.count and not self.future.done():
            self.future.set_result("matched")

    def take(self, hits: Iterable[CapturedEvent]) -> None:
        """Events of its session that matched its query, as they are committed."""
        for ev in hits:
            if ev.id > self.after:
                self.add(ev)

    def fail(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)


@dataclass(eq=False)
class WaitGroup:
    """Waiters on the same query of the same session share one predicate call per event."""

    session_id: int
    predicate: Predicate
    waiters: set[Waiter] = field(default_factory=set)


class WaitRegistry:
    """The waiters of one collector, fed by its listener."""

    def __init__(self) -> None:
        self.groups: dict[tuple[Any, ...], WaitGroup] = {}
        self.evaluations = 0  # predicate calls, for tests and benchmarks

    @property
    def waiters(self) -> set[Waiter]:
        return {w for g in self.groups.values() for w in g.waiters}

    def on_events(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        if not events or not self.groups:
            return
        for group in list(self.groups.values()):
            sid, pred = group.session_id, group.predicate
            try:
                hits = [ev for ev in events if ev.session_id == sid and pred(ev)]
            except Exception as exc:  # a predicate bug fails its waiters, never ingest
                for w in list(group.waiters):
                    w.fail(exc)
                continue
            self.evaluations += len(events)
            if hits:
                for w in list(group.waiters):
                    w.take(hits)

    def add(self, w: Waiter) -> None:
        group = self.groups.get(w.key)
        if group is None:
            group = self.groups[w.key] = WaitGroup(w.session_id, w.predicate)
        group.waiters.add(w)

    def discard(self, w: Waiter) -> None:
        group = self.groups.get(w.key)
        if group is not None:
            group.waiters.discard(w)
            if not group.waiters:
                del self.groups[w.key]

    async def close(self, app: web.Application) -> None:
        for w in self.waiters:
            if not w.future.done():
                w.future.set_result("shutdown")


WAITS: web.AppKey[WaitRegistry] = web.AppKey("qa_waits", WaitRegistry)


def float_param(request: web.Request, name: str, default: float, lo: float, hi: float) -> float:
    raw = request.query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest("invalid_parameter", f"{name}={raw!r} is not a number") from None
    if not (lo <= value <= hi) or math.isnan(value):
        raise BadRequest("invalid_parameter", f"{name}={value:g} is outside {lo:g}..{hi:g}")
    return value


async def wait(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    registry = request.app[WAITS]
    q = request.query.get("q", "")
    count = int_param(request, "count", 1, 0, 1_000_000)
    timeout = float_param(request, "timeout", 10.0, 0.0, MAX_TIMEOUT)
    after = int_param(request, "after", 0, 0, 1 << 62)
    limit = int_param(request, "limit", 100, 0, 100_000)
    scope = request.query.get("scope", "")
    started = time.monotonic()
    session = svc.session
    # compiled in a query thread: a user: term may have the identity graph catch up first
    comp = await svc.queries.run(
        lambda r: within(svc, session, compile_for(svc, session, q, "q", r), scope, r)
    )
    # the identity graph is part of the key: user:X predicates are bound to the live graph
    waiter = Waiter(
        session.id,
        comp.matches,
        max(count, 1),
        after,
        asyncio.get_running_loop().create_future(),
        key=(session.id, q, scope, id(svc.live_identity)),
    )
    registry.add(waiter)  # first: nothing committed from here on can be missed
    # a step prepared before it was added carries no rows to announce (nobody watched): have
    # what was acknowledged until now stored, so that the read below finds it
    await svc.writer.flush()
    where, params = comp.and_where("id > ?", after)
    preload = max(count, limit, 1)
    try:
        stored = await svc.queries.run(lambda r: _stored(r, session.id, where, params, preload))
        for ev in stored:
            waiter.add(ev)
        outcome = "matched" if count == 0 or waiter.future.done() else None
        if outcome is None:
            try:
                outcome = await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
            except TimeoutError:
                outcome = "timeout"
    finally:
        registry.discard(waiter)
    waited_ms = round((time.monotonic() - started) * 1000)
    found = sorted(waiter.found.values(), key=lambda e: e.id)
    # everything stored before the wait was loaded unless the preload filled up
    total = (
        len(found)
        if len(stored) < preload
        else await svc.queries.run(lambda r: r.count(session.id, where, params))
    )
    body: dict[str, Any] = {
        "matched": outcome == "matched",
        "q": q,
        "count": count,
        "total": total,
        "waitedMs": waited_ms,
        "session": session.to_dict(),
    }
    body["events"] = [e.to_api() for e in found[:limit]]
    if outcome == "matched":
        return json_response(200, body)
    if outcome == "shutdown":
        body.update(code="shutting_down", message="the collector is stopping")
        return json_response(503, body)
    got = len(found)
    body.update(
        code="timeout",
        message=f"waited {timeout:g} s for {count} event{'s' * (count != 1)} matching "
        f"{q or '(everything)'!r}; {got} matched",
        **await svc.queries.run(lambda r: _misses(svc, r, comp, session, set(waiter.found), after)),
    )
    return json_response(408, body)


def _stored(
    reader: Reader, session_id: int, where: str, params: list[Any], limit: int
) -> list[CapturedEvent]:
    """What is stored already (the count first: it picks the page's plan)."""
    total = reader.count(session_id, where, params)
    return reader.events(session_id, where, params, limit=limit, total=total) if total else []


def _misses(
    svc: CollectorService,
    reader: Reader,
    comp: Scoped,
    session: Session,
    exclude: set[int],
    after: int,
) -> dict[str, Any]:
    return {
        "closestMisses": closest_misses(svc, reader, comp, session, exclude, after),
        "arrived": arrived_summary(reader, session.id, comp.scope),
    }


def add_routes(app: web.Application) -> None:
    registry = WaitRegistry()
    app[WAITS] = registry
    # only while a wait is pending: the rest of the time ingest skips building events for it
    app[SERVICE].add_listener(registry.on_events, wants=lambda: bool(registry.groups))
    app.on_shutdown.append(registry.close)
    app.router.add_get("/api/wait", wait)
    app.router.add_post("/api/assert", assert_)
