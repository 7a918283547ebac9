"""The tools' answers from a data directory opened read-only (``event-inspector mcp --data-dir``).

Nothing is written: the store is opened with SQLite's ``mode=ro`` (no schema, no migration,
no recovery of an inbox a killed collector left; a collector or the window stores that when
it next opens the directory). A collector writing to the same directory meanwhile is fine:
every read sees what it has committed. Waits poll the store. SQLite work runs in a thread so
the MCP connection stays responsive; one call at a time touches the store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio

from inspector.domain.identity import IdentityGraph
from inspector.domain.lint import TrackingPlan
from inspector.domain.query import CompiledQuery, QueryError, compile_query
from inspector.domain.store import Session, Store
from inspector.mcp.backend import ToolFailure
from inspector.mcp.store_wait import arrived, closest_misses

T = TypeVar("T")
POLL = 0.2  # seconds between looks at the store while waiting


class Graphs:
    """Each session's identity graph, built once and caught up with what was stored since."""

    def __init__(self) -> None:
        self._graphs: dict[int, tuple[IdentityGraph, int]] = {}

    def of(self, store: Store, session: Session) -> IdentityGraph:
        graph, last = self._graphs.get(session.id, (None, 0))
        if graph is None or graph.mode != session.merge_mode:
            graph, last = IdentityGraph(session.merge_mode), 0
        for ev in store.iter_events(session.id, after_id=last):
            graph.observe(ev)
            last = ev.id
        self._graphs[session.id] = (graph, last)
        return graph


def bad_query(message: str, exc: QueryError) -> dict[str, Any]:
    """The API's 400 body for a malformed query."""
    return {"code": "invalid_query", "message": message, "column": exc.column}


class StoreBackend:
    def __init__(
        self, data_dir: str | Path, session: str | None = None, plan: str | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        self.default_session = session or ""
        self.plan_path = plan  # else the plan of .event-inspector.toml (from the cwd up)
        self.where = f"data directory {self.data_dir} (read-only)"
        self._store: Store | None = None
        self._lock = threading.Lock()
        self.graphs = Graphs()

    # -- plumbing ------------------------------------------------------------------------
    async def _run(self, fn: Callable[[], T]) -> T:
        def locked() -> T:
            with self._lock:
                return fn()

        return await anyio.to_thread.run_sync(locked)

    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = Store(self.data_dir, read_only=True)
            except FileNotFoundError as exc:
                raise ToolFailure("no_store", str(exc)) from None
        return self._store

    def session(self, key: str) -> Session:
        key = key or self.default_session
        store = self.store()
        found = store.find_session(key) if key else store.latest_session()
        if found is None:
            if key:
                raise ToolFailure("unknown_session", f"no session {key!r}")
            raise ToolFailure("no_session", f"no sessions in {self.data_dir}")
        return found

    def identity(self, session: Session) -> Callable[[], IdentityGraph]:
        """The session's identity graph, built or caught up when a ``user:`` term asks."""
        return lambda: self.graphs.of(self.store(), session)

    def compile(self, q: str, session: Session, what: str | None = None) -> CompiledQuery:
        """The query door the API uses; ``user:`` asks the session's identity graph (built
        or caught up only for a query with a ``user:`` term). A bad query fails as a 400."""
        try:
            return compile_query(q, self.identity(session))
        except QueryError as exc:
            message = f"{what}: {exc}" if what else str(exc)
            raise ToolFailure("invalid_query", message, bad_query(message, exc)) from None

    # -- the reads -----------------------------------------------------------------------
    async def events(self, q: str, limit: int, session: str) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            s = self.session(session)
            cq = self.compile(q, s)
            st = self.store()
            total = cq.count(st.read, s.id)
            found = st.events(s.id, cq.where, cq.params, limit=limit, descending=True)
            events = [e.to_api() for e in reversed(found)]
            return {"total": total, "session": s.to_dict(), "events": events}

        return await self._run(read)

    async def event(self, event_id: int) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            st = self.store()
            ev = st.get_event(event_id)
            if ev is None:
                raise ToolFailure("not_found", f"no event {event_id}")
            return ev.to_api(st.get_request(ev.request_id))

        return await self._run(read)

    async def wait(self, q: str, count: int, timeout: float, limit: int) -> dict[str, Any]:
        started = time.monotonic()
        s = await self._run(lambda: self.session(""))
        cq = await self._run(lambda: self.compile(q, s, "q"))
        while True:
            total = await self._run(lambda: cq.count(self.store().read, s.id))
            left = started + timeout - time.monotonic()
            if total >= count or left <= 0:
                break
            await anyio.sleep(min(POLL, left))
        found = await self._run(lambda: self.store().events(s.id, cq.where, cq.params, limit=limit))
        body: dict[str, Any] = {
            "matched": total >= count,
            "q": q,
            "count": count,
            "total": total,
            "waitedMs": round((time.monotonic() - started) * 1000),
            "session": s.to_dict(),
            "events": [e.to_api() for e in found],
        }
        if body["matched"]:
            return body

        def misses() -> None:
            exclude = {e.id for e in found}
            identity = self.identity(s)
            body["closestMisses"] = closest_misses(self.store(), s.id, cq.query, identity, exclude)
            body["arrived"] = arrived(self.store(), s.id)

        await self._run(misses)
        body.update(
            code="timeout",
            message=f"waited {timeout:g} s for {count} event{'s' * (count != 1)} matching "
            f"{q or '(everything)'!r}; {total} matched",
        )
        return body

    async def lint(self, q: str, min_severity: str, session: str) -> dict[str, Any]:
        from inspector.domain.lint.by_rule import findings_by_rule

        def read() -> dict[str, Any]:
            s = self.session(session)
            cq = self.compile(q, s)
            store = self.store()
            body = findings_by_rule(
                store.select, s.id, cq.where, cq.params, min_severity=min_severity, join=store.join
            )
            body["session"] = s.to_dict()
            return body

        return await self._run(read)

    async def identities(self, user: str, session: str) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            s = self.session(session)
            body = self.graphs.of(self.store(), s).snapshot(user=user or None)
            body["mode"] = s.merge_mode
            return body

        return await self._run(read)

    async def check_flow(
        self, flow: dict[str, Any], timeout: float, session: str
    ) -> dict[str, Any]:
        from inspector.domain.flows import FlowError, check_flow, flow_from_data, session_source

        try:
            parsed = flow_from_data(flow)
        except FlowError as exc:
            raise ToolFailure("invalid_flow", str(exc), exc.to_dict()) from None
        started = time.monotonic()

        def check(misses: bool) -> dict[str, Any]:
            s = self.session(session)
            graph = self.graphs.of(self.store(), s)
            source = session_source(self.store(), s.id, graph, merge_mode=s.merge_mode)
            body = check_flow(parsed, source, misses=misses).to_api()
            body["session"] = s.to_dict()
            return body

        body = await self._run(lambda: check(False))
        while not body["passed"] and time.monotonic() - started < timeout:
            await anyio.sleep(POLL)
            body = await self._run(lambda: check(False))
        if not body["passed"]:
            body = await self._run(lambda: check(True))
        body["waitedMs"] = round((time.monotonic() - started) * 1000)
        return body

    def plan(self) -> TrackingPlan:
        """The tracking plan, read again at each call (the file may change meanwhile)."""
        from inspector.domain.lint import ConfigError, PlanError, load_config, load_plan

        try:
            if self.plan_path:
                return load_plan(self.plan_path)
            config = load_config(Path.cwd())
            if config.plan is not None:
                return load_plan(config.plan)
        except (ConfigError, PlanError) as exc:
            raise ToolFailure("plan_unusable", str(exc)) from None
        raise ToolFailure(
            "no_plan",
            "no tracking plan: give `event-inspector mcp --plan FILE`, or set plan = under "
            f"[lint] in .event-inspector.toml (looked from {Path.cwd()} up)",
        )

    async def coverage(self, session: str) -> dict[str, Any]:
        from inspector.domain.lint.coverage import counts_of_session, coverage

        def read() -> dict[str, Any]:
            plan = self.plan()
            s = self.session(session)
            body = coverage(plan, counts_of_session(self.store(), s.id)).to_api()
            body["session"] = s.to_dict()
            return body

        return await self._run(read)

    async def sessions(self) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            st = self.store()
            current = self.session("") if st.latest_session() else None
            return {
                "current": current.to_dict() if current else None,
                "sessions": st.list_sessions(),
            }

        return await self._run(read)

    async def stats(self, session: str) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            s = self.session(session)
            body = self.store().stats(s.id)
            body["session"] = s.to_dict()
            return body

        return await self._run(read)

    async def close(self) -> None:
        if self._store is not None:
            self._store.close()
