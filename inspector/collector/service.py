"""The collector's state: the store, the current session, its identity graph and listeners.

Requests enter the ingest path (:mod:`inspector.ingest`) through :attr:`CollectorService.front`;
stored events come back through :meth:`CollectorService._stored`, which feeds the identity
graph and the listeners (the window's table, ``/api/wait``, ``--print``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from inspector.collector.forward import Forwarder
from inspector.collector.query_runner import QueryRunner
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.errors import IntakeError
from inspector.domain.faults import FaultInjector
from inspector.domain.identity.stored import StoredIdentity
from inspector.domain.intake import DEFAULT_MAX_BODY
from inspector.domain.store import Session, Store
from inspector.domain.store_schema import REQUEST_COLUMNS
from inspector.ingest import Front, Outcome, Pipeline, Stored, announced, default_linter, recover
from inspector.ingest.front import answered

__all__ = ["CollectorService", "Outcome", "answered"]
log = logging.getLogger(__name__)
_RECEIVED_AT = REQUEST_COLUMNS.index("received_at")
_REJECTED = REQUEST_COLUMNS.index("rejected")
Listener = Callable[[list[CapturedEvent], RawRequest], None]


class CollectorService:
    """Owns the store, the current session and its identity graph; routes call :meth:`ingest`
    (the ingest path: :attr:`front` and :attr:`writer`)."""

    def __init__(
        self,
        store: Store,
        session: Session,
        *,
        lint: bool = True,
        identity: bool = True,
        max_body: int = DEFAULT_MAX_BODY,
        linter_factory: Callable[[], Any] | None = None,
        writer_process: bool = False,
        lint_stage: bool = True,
        worker_nice: int = 0,
        forward: str | None = None,
        forward_options: dict[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.session = session
        self.lint = lint
        self.identity_enabled = identity
        self.faults = FaultInjector()
        # /api reads run in threads of their own, in a time budget (never on the event loop)
        self.queries = QueryRunner(store)
        linter = (linter_factory or default_linter) if lint else None
        # what collectors that are gone acknowledged but did not store, before anything new
        recover(store, linter)
        self.writer = Pipeline(
            store,
            process=writer_process,
            linter_factory=linter,
            on_stored=self._stored,
            wants_rows=self.wants_events,
            split=lint_stage,
            nice=worker_nice,
        )
        self.front = Front(self.writer, lambda: self.session.id, self.faults, max_body)
        # each listener, and what says whether it needs events right now (None: always)
        self._listeners: dict[Listener, Callable[[], bool] | None] = {}
        self.settings_vendor: dict[str, str] = {}  # writeKey -> settings integration key
        # forward (tee): accepted requests go on to this URL after they are stored
        self.forward_options = forward_options or {}
        # called with (request id, upstream) as each forward result is known (the window)
        self.upstream_listeners: list[Callable[[int, dict[str, Any]], None]] = []
        self.forwarder: Forwarder | None = self._forwarder(forward)
        self._new_identity()

    @property
    def max_body(self) -> int:
        return self.front.max_body

    # -- lifecycle ------------------------------------------------------------------------
    def _new_identity(self) -> None:
        """Identity resolution for the current session (the writer dedupes and lints).

        The graph is fed as events are processed while someone watches (the window), and
        otherwise catches up from the store when a query needs it (:meth:`identity_of`, in a
        query thread): ``serve`` under load spends nothing on it until a query needs it."""
        mode = self.session.merge_mode if self.identity_enabled else None
        self.live_identity = StoredIdentity(self.session.id, mode) if mode else None
        self._other_identity: tuple[tuple[Any, ...], StoredIdentity] | None = None

    async def start(self) -> None:
        self.writer.start()
        if self.forwarder is not None:
            self.forwarder.start()

    async def stop(self) -> None:
        await self.writer.stop()
        self.queries.close()
        if self.forwarder is not None:
            await self.forwarder.stop()

    def _forwarder(self, url: str | None) -> Forwarder | None:
        if not url:
            return None
        return Forwarder(url, self.store, on_result=self._upstream, **self.forward_options)

    def _upstream(self, request_id: int, upstream: dict[str, Any]) -> None:
        for fn in list(self.upstream_listeners):
            fn(request_id, upstream)

    async def set_forward(self, url: str | None) -> None:
        """Forward to ``url`` from now on (None: stop forwarding); raises ForwardUrlError."""
        new = self._forwarder(url)
        old, self.forwarder = self.forwarder, new
        if old is not None:
            await old.stop()
        if new is not None and self.writer._task is not None:  # the collector runs
            new.start()

    def add_listener(self, fn: Listener, wants: Callable[[], bool] | None = None) -> None:
        """Call ``fn(events, raw)`` for every processed request; ``wants`` (if given) says
        whether it needs them right now (a listener that does not is skipped)."""
        self._listeners[fn] = wants

    def remove_listener(self, fn: Listener) -> None:
        self._listeners.pop(fn, None)

    def wants_events(self) -> bool:
        return any(w is None or w() for w in self._listeners.values())

    async def clear(self) -> None:
        await self.writer.flush()
        self.store.clear(self.session.id)
        await self.writer.reset_lint(self.session.id)
        self._new_identity()

    async def switch_session(self, name: str | None) -> Session:
        await self.writer.reset_lint()
        self.session = self.store.open_session(name)
        self._new_identity()
        return self.session

    @property
    def identity(self) -> Any:
        """The identity graph of the current session, up to date with the store (reads the
        store when behind: call it from a thread, or where a pause is acceptable)."""
        live = self.live_identity
        return live.catch_up(self.store.identity_rows) if live is not None else None

    def identity_of(self, session: Session) -> StoredIdentity | None:
        """A session's identity lookup, caught up with the store: the live graph for the
        current session, a replay (kept until that session changes) for any other. Blocking:
        the query doors call it from their thread, and only for a query with ``user:``."""
        if session.id == self.session.id:
            live = self.live_identity
            if live is not None:
                live.catch_up(self.store.identity_rows)
            return live
        if not self.identity_enabled:
            return None
        key = (session.id, self.store.last_event_key(session.id), session.merge_mode)
        cached = self._other_identity
        if cached is None or cached[0] != key:
            other = StoredIdentity(session.id, session.merge_mode)
            other.catch_up(self.store.identity_rows)
            self._other_identity = cached = (key, other)
        return cached[1]

    def _notify(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        for fn in list(self._listeners):
            try:
                fn(events, raw)
            except Exception:  # a broken listener must never cost the client its answer
                log.exception("collector listener failed")

    # -- ingest (the routes) --------------------------------------------------------------
    def new_raw(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        size: int,
        received_at: float | None = None,
    ) -> RawRequest:
        return self.front.new_raw(method, path, query_string, headers, size, received_at)

    async def reject(
        self, raw: RawRequest, err: IntakeError, started: float | None = None
    ) -> Outcome:
        return await self.front.reject(raw, err, started)

    async def ingest(self, **request: Any) -> Outcome:
        """A Segment-style request (see :meth:`inspector.ingest.Front.segment`); with a
        forward URL, its bytes are held until it is stored, then sent on."""
        return await self._forwarded(self.front.segment, request)

    async def kissmetrics(self, **request: Any) -> Outcome:
        """A KISSmetrics call (see :meth:`inspector.ingest.Front.kissmetrics`), forwarded
        as :meth:`ingest` forwards."""
        return await self._forwarded(self.front.kissmetrics, request)

    async def _forwarded(
        self, take: Callable[..., Awaitable[Outcome]], request: dict[str, Any]
    ) -> Outcome:
        fw = self.forwarder
        if fw is None:
            return await take(**request)
        at = request["received_at"] = request.get("received_at") or time.time()
        fw.hold(
            at,
            request["method"],
            request["path"],
            request["query_string"],
            request["headers"],
            request["body"],
        )
        outcome = await take(**request)
        if outcome.status >= 300:  # rejected, faulted or not kept: nothing to send on
            fw.discard(at)
        return outcome

    def _stored(self, stored: Stored) -> None:
        """A step stored: forwarding, identity resolution, then the listeners."""
        fw = self.forwarder
        if fw is not None:
            for req_row, _ in stored.requests:
                fw.stored(req_row[_RECEIVED_AT], req_row[0], bool(req_row[_REJECTED]))
        live = self.live_identity
        if live is not None and (
            stored.foreign or (not stored.events and any(n for _, n in stored.requests))
        ):
            live.mark_behind()  # nobody watched, or another process stored events too
        if not self.wants_events():
            return
        sid = self.session.id
        for raw, events in announced(stored):
            if raw.session_id != sid:
                continue  # recovered from an earlier run, or from before a switch
            if events and live is not None:
                # behind (a catch-up pending or under way): the catch-up reads these too
                live.observe(events)
            self._notify(events, raw)

    async def sleep(self, ms: int) -> None:
        if ms > 0:
            await asyncio.sleep(ms / 1000)
