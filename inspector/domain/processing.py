"""From inbox rows to stored events: split, dedupe, lint, insert, in arrival order.

The collector acknowledges a request once its inbox row is committed
(:mod:`inspector.domain.inbox`); a :class:`Processor` then does everything else, in the
store writer (a child process in ``serve`` and the window, so on the second core): parse the
body again, split the batch and merge its envelope (:func:`build_events`), give each event its
id and sequence number, flag repeated ``messageId``\\ s, lint each request's events (with the
session's cross-event state) and insert requests and events in one transaction that also
records how far into the inbox it got. A crash between the two commits only means the rows
are processed again by the next collector (:func:`recover`): nothing is lost or doubled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from inspector.domain import jsoncodec
from inspector.domain.auth import header_key, masked_headers
from inspector.domain.capture import CapturedEvent, Finding, RawRequest, Source
from inspector.domain.clients import detect_client
from inspector.domain.errors import IntakeError
from inspector.domain.inbox import Inbox, orphans, progress_key
from inspector.domain.intake import build_events, parse_body
from inspector.domain.pipeline import Linter, flag_duplicates
from inspector.domain.store import (
    Store,
    event_from_row,
    event_row,
    request_from_row,
    request_row,
)
from inspector.domain.store_schema import REQUEST_COLUMNS

Row = tuple[Any, ...]
# findings computed ahead by a LintStage, per request: None (none at all), or per event a list
# of (rule, severity, message, path)
Found = list[list[tuple[str, str, str, str | None]]] | None
# what a processing step hands back: inbox progress, (light request row, event count) per
# request in order, and the stored event rows (with their findings)
Processed = tuple[int, list[tuple[Row, int]], list[Row]]
log = logging.getLogger(__name__)
_BODY = REQUEST_COLUMNS.index("body")


class Headers(dict[str, str]):
    """Headers as sent, looked up case-insensitively (as HTTP says they are)."""

    def __init__(self, items: Mapping[str, str]) -> None:
        super().__init__(items)
        self._folded = {k.lower(): v for k, v in items.items()}

    def get(self, key: str, default: Any = None) -> Any:
        return self._folded.get(key.lower(), default)


class _InboxWorker:
    """What both inbox workers keep: read connections to inbox files, and each session's
    linter (its cross-event state), fed in arrival order."""

    def __init__(self, linter_factory: Callable[[], Linter] | None) -> None:
        self.linter_factory = linter_factory
        self._linters: dict[int, Linter] = {}
        self._readers: dict[str, Inbox] = {}

    def reset(self, session_id: int | None = None) -> None:
        """A cleared or switched session: its cross-event lint state starts over."""
        if session_id is None:
            self._linters.clear()
        else:
            self._linters.pop(session_id, None)

    def close_inbox(self, path: str) -> None:
        inbox = self._readers.pop(path, None)
        if inbox is not None:
            inbox.close()

    def _reader(self, path: str) -> Inbox:
        inbox = self._readers.get(path)
        if inbox is None:
            inbox = self._readers[path] = Inbox(Path(path), owner=False)
        return inbox

    def _lint(self, raw: RawRequest, events: list[CapturedEvent]) -> None:
        """Set ``ev.lint`` on one request's events (no linter: nothing)."""
        if self.linter_factory is None or not events:
            return
        linter = self._linters.get(raw.session_id)
        if linter is None:
            linter = self._linters[raw.session_id] = self.linter_factory()
        try:
            linter.lint_batch(events, raw)
        except Exception:  # findings are lost for this request, never the events
            log.exception("linting failed")


class Processor(_InboxWorker):
    """The store side of ingest; owns the allocation, dedupe and cross-event lint state."""

    def __init__(self, store: Store, linter_factory: Callable[[], Linter] | None) -> None:
        super().__init__(linter_factory)
        self.store = store
        self._seen: dict[int, set[str]] = {}

    def reset(self, session_id: int | None = None) -> None:
        """A cleared or switched session: dedupe and cross-event lint start over."""
        super().reset(session_id)
        if session_id is None:
            self._seen.clear()
        else:
            self._seen.pop(session_id, None)
        self.store.forget_seq(session_id)

    # -- steps ----------------------------------------------------------------------------
    def process_inbox(
        self,
        path: str,
        upto: int,
        limit: int,
        rows: bool = True,
        findings: list[Found] | None = None,
        after: int | None = None,
    ) -> Processed:
        """Process up to ``limit`` rows of the inbox at ``path`` (ids up to ``upto``); the
        stored event rows are handed back only if ``rows`` (someone is watching).

        ``findings``: what a :class:`LintStage` found for exactly the rows after ``after``
        (then this processor does not lint)."""
        inbox = self._reader(path)
        key = progress_key(inbox.path)
        done = int(self.store.meta_value(key) or 0)
        if findings is not None and after != done:
            raise ValueError(f"findings are for the rows after {after}, the store is at {done}")
        found = inbox.read(done, upto, limit)
        if not found:
            return done, [], []
        pairs = [build_request(row) for row in found]
        if findings is not None:
            if len(findings) != len(pairs):
                raise ValueError(f"findings for {len(findings)} rows, {len(pairs)} read")
            _attach(pairs, findings)
        reqs, ev_rows = self._store(pairs, (key, str(found[-1][0])), lint=findings is None)
        return found[-1][0], reqs, ev_rows if rows else []

    def process_built(
        self, req_row: Row, ev_rows: Sequence[Row], findings: Found | None = None
    ) -> Processed:
        """Events built elsewhere (KISSmetrics): allocate, dedupe, lint and store them."""
        raw = request_from_row(req_row)
        events = [event_from_row(r) for r in ev_rows]
        if findings is not None:
            _attach([(raw, events)], [findings])
        return (0, *self._store([(raw, events)], None, lint=findings is None))

    # -- internals ------------------------------------------------------------------------
    def _store(
        self,
        pairs: list[tuple[RawRequest, list[CapturedEvent]]],
        meta: tuple[str, str] | None,
        *,
        lint: bool = True,
    ) -> tuple[list[tuple[Row, int]], list[Row]]:
        reqs: list[tuple[Row, int]] = []
        req_rows: list[Row] = []
        ev_rows: list[Row] = []
        for raw, events in pairs:
            self.store.allocate(raw, events)
            if events:
                self._dedupe(raw.session_id, events)
                if lint:
                    self._lint(raw, events)
            row = request_row(raw)
            req_rows.append(row)
            if not raw.rejected and raw.fault is None:
                # the body stays in the store, not in the reply
                row = (*row[:_BODY], b"", *row[_BODY + 1 :])
            reqs.append((row, len(events)))
            ev_rows.extend(event_row(e) for e in events)
        self.store.write_rows(req_rows, ev_rows, meta=meta)
        return reqs, ev_rows

    def _dedupe(self, session_id: int, events: list[CapturedEvent]) -> None:
        seen = self._seen.get(session_id)
        if seen is None:
            seen = self._seen[session_id] = self.store.message_ids(session_id)
        flag_duplicates(seen, events)


class LintStage(_InboxWorker):
    """Lints inbox rows ahead of the :class:`Processor` that stores them, in a process of its
    own, so that linting (~17 µs an event) and storing (~25 µs) run side by side. It builds
    the events again from the rows (lint depends on nothing the store assigns) and keeps each
    session's cross-event state, in arrival order; findings go to the processor with the rows.
    """

    def lint_inbox(self, path: str, after: int, upto: int) -> list[Found]:
        """Findings for the rows after ``after`` up to ``upto``, one entry per row."""
        rows = self._reader(path).read(after, upto, upto - after)
        if len(rows) != upto - after:
            raise ValueError(f"inbox rows {after + 1}..{upto} are not all there")
        return [self._found(*build_request(row)) for row in rows]

    def lint_built(self, req_row: Row, ev_rows: Sequence[Row]) -> Found:
        return self._found(request_from_row(req_row), [event_from_row(r) for r in ev_rows])

    def _found(self, raw: RawRequest, events: list[CapturedEvent]) -> Found:
        self._lint(raw, events)
        if not any(ev.lint for ev in events):
            return None
        return [[(f.rule, f.severity, f.message, f.path) for f in ev.lint] for ev in events]


def _attach(pairs: list[tuple[RawRequest, list[CapturedEvent]]], findings: list[Found]) -> None:
    for (_, events), found in zip(pairs, findings, strict=True):
        if found is not None:
            for ev, fl in zip(events, found, strict=True):
                ev.lint = [Finding(*f) for f in fl]  # type: ignore[arg-type]


def request_client(headers: Mapping[str, str]) -> str | None:
    """The client a request without events came from, as far as its headers tell."""
    return detect_client(Source(), headers, None, {})


def build_request(row: Row) -> tuple[RawRequest, list[CapturedEvent]]:
    """An inbox row as the request and the events it carries (not yet stored)."""
    (
        _id,
        session_id,
        received_at,
        route,
        method,
        path,
        query,
        headers_json,
        ctype,
        cenc,
        size,
        body,
        status,
        error_code,
        error,
        rejected,
        fault,
        event_count,
        duration_ms,
        answer,
    ) = row
    headers = Headers(jsoncodec.loads(headers_json or "{}"))
    raw = RawRequest(
        session_id=session_id,
        received_at=received_at,
        method=method,
        path=path,
        query=query or "",
        headers=masked_headers(headers),
        content_type=ctype or "",
        content_encoding=cenc or "",
        size=size or 0,
        body=bytes(body or b""),
        status=status,
        error_code=error_code,
        error=error,
        rejected=bool(rejected),
        fault=fault,
        event_count=event_count,
        duration_ms=duration_ms,
        answer=jsoncodec.loads(answer) if answer else None,
        client=request_client(headers),
    )
    key, form = header_key(headers)
    if form != "none":
        raw.auth, raw.write_key = form, key
    if raw.rejected:
        return raw, []
    try:
        parsed = parse_body(route, raw.body)
        events = build_events(
            parsed,
            session_id=session_id,
            received_at=received_at,
            headers=headers,
            query=dict(parse_qsl(raw.query, keep_blank_values=True)),
        )
    except IntakeError as err:  # the collector parsed it before; kept visible regardless
        raw.rejected, raw.error_code, raw.error = True, err.code, err.message
        return raw, []
    except Exception as exc:  # a bug here must not lose the request: keep it, say why
        log.exception("could not process request")
        raw.rejected, raw.error_code = True, "internal_error"
        raw.error = f"Event Inspector could not process this request: {exc!r}"
        return raw, []
    if events and events[0].source.client:
        raw.client = events[0].source.client
    if status >= 300:  # answered with an injected fault: the client sends them again
        return raw, []
    raw.event_count = len(events)
    return raw, events


def recover(store: Store, linter_factory: Callable[[], Linter] | None) -> int:
    """Process what collectors that are gone acknowledged but did not store; returns how many
    requests that was. Each inbox file is deleted once the store has all of it."""
    count = 0
    for inbox in orphans(store.data_dir):
        proc = Processor(store, linter_factory)
        path = str(inbox.path)
        while True:
            _done, reqs, _ = proc.process_inbox(path, inbox.last_id, 500)
            if not reqs:
                break
            count += len(reqs)
        proc.close_inbox(path)
        inbox.close(delete=True)
        store.delete_meta(progress_key(inbox.path))
    if count:
        log.warning("recovered %d acknowledged requests from a collector that stopped", count)
    return count
