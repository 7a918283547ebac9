"""The collector's state and its one ingest path, shared by every route and by the window."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inspector.collector.forward import Forwarder
from inspector.collector.query_runner import QueryRunner
from inspector.collector.writer import GroupWriter
from inspector.domain import inbox, jsoncodec
from inspector.domain.auth import masked_headers, resolve_key
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.errors import IntakeError
from inspector.domain.faults import FaultInjector
from inspector.domain.identity.stored import StoredIdentity
from inspector.domain.intake import DEFAULT_MAX_BODY, decode_body, parse_body
from inspector.domain.pipeline import default_linter
from inspector.domain.processing import Row, recover
from inspector.domain.store import (
    Session,
    Store,
    event_from_row,
    event_row,
    request_from_row,
    request_row,
)
from inspector.domain.store_schema import REQUEST_COLUMNS

log = logging.getLogger(__name__)
_RECEIVED_AT = REQUEST_COLUMNS.index("received_at")
_REJECTED = REQUEST_COLUMNS.index("rejected")
Listener = Callable[[list[CapturedEvent], RawRequest], None]


@dataclass(slots=True)
class Outcome:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay_ms: int = 0

    def answer(self) -> dict[str, Any]:
        """What the client is answered, as kept with its request."""
        return {
            "status": self.status,
            "headers": {"Content-Type": "application/json", **self.headers},
            "body": jsoncodec.dumps_str(self.body),
            "delayMs": self.delay_ms,
        }


def answered(outcome: Outcome, started: float) -> dict[str, Any]:
    """The answer and how long the client waited for it (an injected delay included), for the
    request's record; measured from ``started`` (``time.monotonic()`` when it arrived)."""
    waited = (time.monotonic() - started) * 1000 + outcome.delay_ms
    return {"answer": outcome.answer(), "duration_ms": round(waited, 3)}


class CollectorService:
    """Owns the store, the current session and its identity graph; routes call :meth:`ingest`."""

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
        self.max_body = max_body
        self.lint = lint
        self.identity_enabled = identity
        self._linter_factory = linter_factory or default_linter
        self.faults = FaultInjector()
        # /api reads run in threads of their own, in a time budget (never on the event loop)
        self.queries = QueryRunner(store)
        # linting runs in the writer, just before insert (on the second core in a process)
        linter = self._linter_factory if lint else None
        # what collectors that are gone acknowledged but did not store, before anything new
        recover(store, linter)
        self.writer = GroupWriter(
            store,
            process=writer_process,
            linter_factory=linter,
            on_processed=self._processed,
            wants_rows=self.wants_events,
            lint_stage=lint_stage,
            nice=worker_nice,
        )
        # each listener, and what says whether it needs events right now (None: always)
        self._listeners: dict[Listener, Callable[[], bool] | None] = {}
        self.started_at = time.time()
        self.settings_vendor: dict[str, str] = {}  # writeKey -> settings integration key
        # forward (tee): accepted requests go on to this URL after they are stored
        self.forward_options = forward_options or {}
        # called with (request id, upstream) as each forward result is known (the window)
        self.upstream_listeners: list[Callable[[int, dict[str, Any]], None]] = []
        self.forwarder: Forwarder | None = self._forwarder(forward)
        self._new_identity()

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

    # -- ingest ---------------------------------------------------------------------------
    def new_raw(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        size: int,
        received_at: float | None = None,
    ) -> RawRequest:
        return RawRequest(
            session_id=self.session.id,
            received_at=time.time() if received_at is None else received_at,
            method=method,
            path=path,
            query=query_string,
            headers=masked_headers(headers),
            content_type=headers.get("Content-Type", ""),
            content_encoding=headers.get("Content-Encoding", ""),
            size=size,
        )

    def _record(
        self, raw: RawRequest, route: str, headers: Mapping[str, str], body: bytes, **kw: Any
    ) -> tuple[Any, ...]:
        return inbox.record(
            session_id=raw.session_id,
            received_at=raw.received_at,
            route=route,
            method=raw.method,
            path=raw.path,
            query=raw.query,
            headers=dict(headers),
            content_type=raw.content_type,
            content_encoding=raw.content_encoding,
            size=raw.size,
            body=body,
            **kw,
        )

    async def reject(
        self, raw: RawRequest, err: IntakeError, started: float | None = None
    ) -> Outcome:
        """Keep a request that cannot be read (durably, before answering) and say why."""
        outcome = Outcome(err.status, err.to_dict())
        failed = await self._keep(
            self._record(
                raw,
                "",
                raw.headers,
                raw.body,
                status=err.status,
                error_code=err.code,
                error=err.message,
                rejected=True,
                **answered(outcome, time.monotonic() if started is None else started),
            )
        )
        return failed or outcome

    async def _keep(self, record: tuple[Any, ...]) -> Outcome | None:
        """Make a request durable (the inbox); if the disk refuses, a 503 the client retries."""
        try:
            await self.writer.accept(record)
        except (sqlite3.Error, OSError) as exc:
            log.error("could not store a request, answered 503: %s", exc)
            return Outcome(
                503,
                {
                    "code": "store_unavailable",
                    "message": f"Event Inspector could not store this request "
                    f"({exc}); nothing was recorded, send it again",
                },
                {"Retry-After": "1"},
            )
        return None

    async def ingest(
        self,
        *,
        method: str,
        path: str,
        route: str,
        query_string: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        started: float | None = None,
        received_at: float | None = None,
    ) -> Outcome:
        """Read and check the request, make it durable, answer; the store writer does the
        rest (split, dedupe, lint, identity, listeners) right after, in order.

        ``started``: ``time.monotonic()`` when the request arrived (for its ``durationMs``);
        ``received_at``: when it was sent, for one read from a file (default: now)."""
        t0 = time.monotonic() if started is None else started
        raw = self.new_raw(method, path, query_string, {}, len(body), received_at)
        raw.content_type = headers.get("Content-Type", "")
        raw.content_encoding = headers.get("Content-Encoding", "")
        try:
            decoded = decode_body(body, raw.content_encoding, self.max_body)
            parsed = parse_body(route, decoded)
        except IntakeError as err:
            outcome = Outcome(err.status, err.to_dict())
            failed = await self._keep(
                self._record(
                    raw,
                    route,
                    headers,
                    body,
                    status=err.status,
                    error_code=err.code,
                    error=err.message,
                    rejected=True,
                    **answered(outcome, t0),
                )
            )
            return failed or outcome
        rule = None
        if self.faults.rules:
            first = parsed.messages[0] if parsed.messages else None
            rule = self.faults.take(resolve_key(headers, query, parsed.envelope, first)[0])
        if rule is not None and rule.status is not None:
            # the client will send these again: keep the request (visible), not the events
            hdrs = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            body_ = {
                "code": "injected_fault",
                "message": f"fault injected by Event Inspector: {rule.label}",
            }
            outcome = Outcome(rule.status, body_, hdrs, rule.delay_ms)
            failed = await self._keep(
                self._record(
                    raw,
                    route,
                    headers,
                    decoded,
                    status=rule.status,
                    fault=rule.label,
                    event_count=len(parsed.messages),
                    **answered(outcome, t0),
                )
            )
            return failed or outcome
        outcome = Outcome(200, {"success": True}, {}, rule.delay_ms if rule else 0)
        fw = self.forwarder
        if fw is not None:  # the bytes as they came, until the store has the request
            fw.hold(raw.received_at, method, path, query_string, headers, body)
        failed = await self._keep(
            self._record(
                raw,
                route,
                headers,
                decoded,
                fault=rule.label if rule else None,
                **answered(outcome, t0),
            )
        )
        if failed is not None and fw is not None:
            fw.discard(raw.received_at)
        return failed or outcome

    async def ingest_events(
        self,
        raw: RawRequest,
        events: list[CapturedEvent],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Store events built elsewhere (KISSmetrics), through the same writer, in order;
        ``headers`` as sent (for the forward URL)."""
        raw.event_count = len(events)
        fw = self.forwarder
        if fw is not None and headers is not None:
            fw.hold(raw.received_at, raw.method, raw.path, raw.query, headers, raw.body)
        try:
            await self.writer.submit_built(request_row(raw), [event_row(e) for e in events])
        except BaseException:
            if fw is not None:
                fw.discard(raw.received_at)
            raise

    def _processed(self, reqs: list[tuple[Row, int]], ev_rows: list[Row]) -> None:
        """Stored rows back from the writer: forwarding, identity resolution, listeners."""
        fw = self.forwarder
        if fw is not None:
            for req_row, _ in reqs:
                fw.stored(req_row[_RECEIVED_AT], req_row[0], bool(req_row[_REJECTED]))
        live = self.live_identity
        if live is not None and not ev_rows and any(n for _, n in reqs):
            live.mark_behind()  # nobody watched: the graph reads the store when asked
        if not self.wants_events():
            return
        at = 0
        sid = self.session.id
        for req_row, n in reqs:
            raw = request_from_row(req_row)
            events = [event_from_row(r) for r in ev_rows[at : at + n]]
            at += n
            if raw.session_id != sid:
                continue  # recovered from an earlier run, or from before a switch
            if events and live is not None:
                # behind (a catch-up pending or under way): the catch-up reads these too
                live.observe(events)
            self._notify(events, raw)

    async def sleep(self, ms: int) -> None:
        if ms > 0:
            await asyncio.sleep(ms / 1000)
