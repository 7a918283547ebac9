"""A HAR's tracking calls into a session, through the collector's own ingest path (the one
live HTTP traffic takes: the same checks, inbox, store writer, lint and dedupe), each at the
time the HAR says it was sent. Used by ``event-inspector import FILE.har`` and by a HAR file
dropped on the window."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from multidict import CIMultiDict

from inspector.collector.routes_kissmetrics import ingest_kissmetrics
from inspector.collector.service import CollectorService
from inspector.domain.har_import import HarCall, HarRead


@dataclass(slots=True)
class HarImported:
    requests: int = 0
    accepted: int = 0
    rejected: int = 0  # answered 4xx: kept as rejected requests
    statuses: Counter[int] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self, name: str, session: str) -> str:
        text = (
            f"imported {self.requests} tracking requests from {name} into session {session!r}"
            f" ({self.accepted} accepted, {self.rejected} rejected)"
        )
        n = sum(self.skipped.values())
        if n:
            why = "; ".join(f"{k}: {v}" for k, v in self.skipped.most_common())
            text += f"; skipped {n} entries that are not tracking calls ({why})"
        return text


async def ingest_call(svc: CollectorService, call: HarCall) -> int:
    """One call through the live path; returns the status the collector answered."""
    headers = CIMultiDict(call.headers)
    if call.kind == "kissmetrics":
        pairs = parse_qsl(call.query_string, keep_blank_values=True)
        await ingest_kissmetrics(
            svc,
            call.method,
            call.path,
            call.query_string,
            pairs,
            headers,
            call.body,
            received_at=call.received_at,
        )
        return 200
    outcome = await svc.ingest(
        method=call.method,
        path=call.path,
        route=call.route,
        query_string=call.query_string,
        query=dict(parse_qsl(call.query_string, keep_blank_values=True)),
        headers=headers,
        body=call.body,
        received_at=call.received_at,
    )
    return outcome.status


async def ingest_har(svc: CollectorService, read: HarRead) -> HarImported:
    done = HarImported(skipped=read.skipped)
    for call in read.calls:
        status = await ingest_call(svc, call)
        done.requests += 1
        done.statuses[status] += 1
        if status < 300:
            done.accepted += 1
        else:
            done.rejected += 1
    await svc.writer.flush()
    return done
