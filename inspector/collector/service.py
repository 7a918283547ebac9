"""The collector's state and its one ingest path, shared by every route and by the window."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inspector.collector.writer import GroupWriter
from inspector.domain.auth import header_key, masked_headers
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.errors import IntakeError
from inspector.domain.faults import FaultInjector, FaultRule
from inspector.domain.intake import DEFAULT_MAX_BODY, Parsed, build_events, decode_body, parse_body
from inspector.domain.pipeline import SessionPipeline, build_pipeline, default_linter
from inspector.domain.store import Session, Store

log = logging.getLogger(__name__)
Listener = Callable[[list[CapturedEvent], RawRequest], None]


@dataclass(slots=True)
class Outcome:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay_ms: int = 0


class CollectorService:
    """Owns the store, the current session and its pipeline; routes call :meth:`ingest`."""

    def __init__(
        self, store: Store, session: Session, *, lint: bool = True, identity: bool = True,
        max_body: int = DEFAULT_MAX_BODY, linter_factory: Callable[[], Any] | None = None,
        writer_process: bool = False,
    ) -> None:
        self.store = store
        self.session = session
        self.max_body = max_body
        self.lint = lint
        self.identity_enabled = identity
        self._linter_factory = linter_factory or default_linter
        self.faults = FaultInjector()
        # linting runs in the writer, just before insert (on the second core in a process)
        self.writer = GroupWriter(store, process=writer_process,
                                  linter_factory=self._linter_factory if lint else None)
        self.listeners: list[Listener] = []
        self.started_at = time.time()
        self.settings_vendor: dict[str, str] = {}  # writeKey -> settings integration key
        self.pipeline = self._new_pipeline(replay=True)

    # -- lifecycle ------------------------------------------------------------------------
    def _new_pipeline(self, replay: bool) -> SessionPipeline:
        pipe = build_pipeline(  # dup detection and identity; the writer lints
            lint=False, identity_mode=self.session.merge_mode if self.identity_enabled else None)
        if replay:
            pipe.replay(self.store.iter_events(self.session.id))
        return pipe

    async def start(self) -> None:
        self.writer.start()

    async def stop(self) -> None:
        await self.writer.stop()

    def add_listener(self, fn: Listener) -> None:
        self.listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        if fn in self.listeners:
            self.listeners.remove(fn)

    async def clear(self) -> None:
        await self.writer.reset_lint()  # flushes first; the store is then cleared at once
        self.store.clear(self.session.id)
        self.pipeline = self._new_pipeline(replay=False)

    async def switch_session(self, name: str | None) -> Session:
        await self.writer.reset_lint()
        self.session = self.store.open_session(name)
        self.pipeline = self._new_pipeline(replay=True)
        return self.session

    @property
    def identity(self) -> Any:
        return self.pipeline.identity

    def _notify(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        for fn in list(self.listeners):
            try:
                fn(events, raw)
            except Exception:  # a broken listener must never cost the client its answer
                log.exception("collector listener failed")

    # -- ingest ---------------------------------------------------------------------------
    def new_raw(
        self, method: str, path: str, query_string: str, headers: Mapping[str, str], size: int,
    ) -> RawRequest:
        return RawRequest(
            session_id=self.session.id, received_at=time.time(), method=method, path=path,
            query=query_string, headers=masked_headers(headers),
            content_type=headers.get("Content-Type", ""),
            content_encoding=headers.get("Content-Encoding", ""), size=size)

    async def reject(self, raw: RawRequest, err: IntakeError) -> Outcome:
        raw.rejected, raw.status = True, err.status
        raw.error_code, raw.error = err.code, err.message
        self.store.allocate(raw, [])
        await self.writer.submit([raw], [])
        self._notify([], raw)
        return Outcome(err.status, err.to_dict())

    def _fault(self, raw: RawRequest, write_key: str | None) -> FaultRule | None:
        rule = self.faults.take(write_key)
        if rule is not None:
            raw.fault = rule.label
        return rule

    async def ingest(
        self, *, method: str, path: str, route: str, query_string: str,
        query: Mapping[str, str], headers: Mapping[str, str], body: bytes,
        parsed: Parsed | None = None,
    ) -> Outcome:
        """Parse, enrich, store durably, notify; answer what keeps every client happy."""
        raw = self.new_raw(method, path, query_string, headers, len(body))
        raw.body = body
        try:
            if parsed is None:
                decoded = decode_body(body, raw.content_encoding, self.max_body)
                raw.body = decoded
                parsed = parse_body(route, decoded)
        except IntakeError as err:
            return await self.reject(raw, err)
        events = build_events(parsed, session_id=self.session.id, received_at=raw.received_at,
                              headers=headers, query=query)
        key = events[0].source.write_key if events else header_key(headers)[0]
        rule = self._fault(raw, key)
        if rule is not None and rule.status is not None:
            # the client will send these again: keep the request (visible), not the events
            raw.status = rule.status
            raw.event_count = len(events)
            self.store.allocate(raw, [])
            await self.writer.submit([raw], [])
            self._notify([], raw)
            hdrs = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            body_ = {"code": "injected_fault",
                     "message": f"fault injected by Event Inspector: {rule.label}"}
            return Outcome(rule.status, body_, hdrs, rule.delay_ms)
        raw.event_count = len(events)
        self.store.allocate(raw, events)
        self.pipeline.process(events, raw)
        await self.writer.submit([raw], events)
        self._notify(events, raw)
        return Outcome(200, {"success": True}, {}, rule.delay_ms if rule else 0)

    async def ingest_events(self, raw: RawRequest, events: list[CapturedEvent]) -> None:
        """Store events built elsewhere (KISSmetrics, import), through the same pipeline."""
        raw.event_count = len(events)
        self.store.allocate(raw, events)
        self.pipeline.process(events, raw)
        await self.writer.submit([raw], events)
        self._notify(events, raw)

    async def sleep(self, ms: int) -> None:
        if ms > 0:
            await asyncio.sleep(ms / 1000)
