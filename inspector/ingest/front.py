"""The front door: a request's bytes in, a durable inbox row and the answer out.

Every source that arrives over HTTP enters here (the collector's routes call it; this module
imports no web framework): the Segment-style routes, KISSmetrics, and requests that cannot be
read at all (kept as rejected, answered 400). The path that answers a client does only what
the answer depends on: un-gzip, parse (to answer 400 on broken JSON), injected faults, one
inbox row, committed. The rest happens in :mod:`inspector.ingest.pipeline`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.auth import masked_headers, resolve_key
from inspector.domain.capture import RawRequest
from inspector.domain.errors import IntakeError
from inspector.domain.faults import FaultInjector
from inspector.domain.intake import DEFAULT_MAX_BODY, decode_body, parse_body
from inspector.ingest.pipeline import Pipeline, QueueFull
from inspector.ingest.records import KM_PREFIX, record

log = logging.getLogger(__name__)


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


def _busy(message: str, retry_after: int = 1) -> Outcome:
    return Outcome(
        503, {"code": "store_unavailable", "message": message}, {"Retry-After": str(retry_after)}
    )


class Front:
    """Accepts requests into one collector's pipeline, for the session ``session_id()``."""

    def __init__(
        self,
        pipeline: Pipeline,
        session_id: Callable[[], int],
        faults: FaultInjector,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.pipeline = pipeline
        self.session_id = session_id
        self.faults = faults
        self.max_body = max_body

    def new_raw(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        size: int,
        received_at: float | None = None,
    ) -> RawRequest:
        """``received_at``: when it was sent, for one read from a file (default: now)."""
        return RawRequest(
            session_id=self.session_id(),
            received_at=time.time() if received_at is None else received_at,
            method=method,
            path=path,
            query=query_string,
            headers=masked_headers(headers),
            content_type=headers.get("Content-Type", ""),
            content_encoding=headers.get("Content-Encoding", ""),
            size=size,
        )

    async def keep(
        self, raw: RawRequest, route: str, headers: Mapping[str, str], body: bytes, **kw: Any
    ) -> Outcome | None:
        """Make a request durable (an inbox row); a 503 the client retries if it cannot be."""
        try:
            await self.pipeline.accept(
                record(
                    session_id=raw.session_id,
                    received_at=raw.received_at,
                    route=route,
                    method=raw.method,
                    path=raw.path,
                    query=raw.query,
                    headers=headers,
                    content_type=raw.content_type,
                    content_encoding=raw.content_encoding,
                    size=raw.size,
                    body=body,
                    **kw,
                )
            )
        except QueueFull as exc:
            log.warning("the inbox is full (%s): answered 503, the client sends it again", exc)
            return _busy(
                "Event Inspector has more requests queued than it may keep; nothing was "
                "recorded, send it again in a moment",
                retry_after=2,
            )
        except (sqlite3.Error, OSError) as exc:
            log.error("could not store a request, answered 503: %s", exc)
            return _busy(
                f"Event Inspector could not store this request ({exc}); nothing was recorded, "
                "send it again"
            )
        return None

    async def reject(
        self, raw: RawRequest, err: IntakeError, started: float | None = None
    ) -> Outcome:
        """Keep a request that cannot be read (durably, before answering) and say why."""
        outcome = Outcome(err.status, err.to_dict())
        failed = await self.keep(
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
        return failed or outcome

    async def segment(
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
        """A Segment-style call: read and check it, make it durable, answer.

        ``started``: ``time.monotonic()`` when the request arrived (for its ``durationMs``);
        ``received_at``: when it was sent (one read from a file; default: now)."""
        t0 = time.monotonic() if started is None else started
        raw = self.new_raw(method, path, query_string, {}, len(body), received_at)
        raw.content_type = headers.get("Content-Type", "")
        raw.content_encoding = headers.get("Content-Encoding", "")
        try:
            decoded = decode_body(body, raw.content_encoding, self.max_body)
            parsed = parse_body(route, decoded)
        except IntakeError as err:
            outcome = Outcome(err.status, err.to_dict())
            failed = await self.keep(
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
            failed = await self.keep(
                raw,
                route,
                headers,
                decoded,
                status=rule.status,
                fault=rule.label,
                event_count=len(parsed.messages),
                **answered(outcome, t0),
            )
            return failed or outcome
        outcome = Outcome(200, {"success": True}, {}, rule.delay_ms if rule else 0)
        failed = await self.keep(
            raw,
            route,
            headers,
            decoded,
            fault=rule.label if rule else None,
            **answered(outcome, t0),
        )
        return failed or outcome

    async def kissmetrics(
        self,
        *,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        body: bytes,
        started: float | None = None,
        received_at: float | None = None,
        answer: dict[str, Any] | None = None,
    ) -> Outcome:
        """A KISSmetrics call (``/e``, ``/s``, ``/a``, under any prefix): kept as it came; its
        client never looks at the answer (``answer``: the pixel, as kept), so what is odd is
        left for the linter."""
        raw = self.new_raw(method, path, query_string, headers, len(body), received_at)
        route = KM_PREFIX + path.strip("/").rsplit("/", 1)[-1].lower()
        waited = (time.monotonic() - started) * 1000 if started is not None else None
        failed = await self.keep(
            raw,
            route,
            headers,
            body,
            answer=answer,
            duration_ms=None if waited is None else round(waited, 3),
        )
        return failed or Outcome(200, {})
