"""What the stages hand each other: requests ready to store, and what was stored.

``prepare`` (build and lint, :mod:`inspector.ingest.stages`) turns requests into
:class:`Prepared` rows: everything but what a write transaction assigns (ids, sequence
numbers, duplicate flags), each event as the values its row is made of
(:func:`~inspector.domain.store_rows.pre_body`). The store step makes the events' rows
(:func:`~inspector.domain.store_rows.body_of`: in the store worker, which has time to spare
while the prepare worker, the bottleneck under a burst, works on the next step), inserts
them and hands back a :class:`Stored`: the inbox progress, the requests with their ids,
and, when the collector wants them (someone watches), each stored event's row with its
*head* and findings, from which :func:`inspector.ingest.announce.announced` makes events
without parsing any JSON.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from typing import Any

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.store_body import pack as pack_body
from inspector.domain.store_body import recipe
from inspector.domain.store_rows import lint_text, pre_body, request_row
from inspector.domain.store_write import REQUEST_BODY
from inspector.ingest.encode import head

Row = tuple[Any, ...]
_BODY = REQUEST_BODY.index("body")  # in a request row without its id
FindingRow = tuple[str, str, str, str | None]


@dataclass(slots=True)
class Prepared:
    """One request ready to store."""

    request: Row  # the request's columns but its id
    # each event as the store step makes its row of (store_rows.pre_body; the row: body_of)
    events: list[Row]
    heads: list[dict[str, Any]] | None = None  # (someone watches) for announcing
    findings: list[list[FindingRow]] | None = None
    dups: list[bool] | None = None  # given (a capture file), else decided when stored
    # the body as a recipe (store_body): its (prefix, suffix), the store step adds the ids of
    # the events; the body as it came, for when not all of them are stored (an import)
    recipe: tuple[str, str] | None = None
    raw_body: bytes | None = None


@dataclass(slots=True)
class Step:
    """Prepared requests, with the inbox progress they take the store to (if any)."""

    requests: list[Prepared]
    progress: tuple[str, int, int] | None = None  # (meta key, from row, to row)


def pack(step: Step) -> bytes:
    """A step as one bytes object, to hand from the prepare worker to the store worker.

    ``marshal``, not ``pickle``: a step is plain tuples, lists, dicts, strings and numbers,
    which marshal writes 3-4x faster (1.3-1.8 µs an event against 4-10 µs for pickle on this
    machine; reading both ~2-3 µs). Both ends are processes of the same Python, as marshal
    needs; nothing else ever reads it."""
    return marshal.dumps(
        (
            [
                (p.request, p.events, p.heads, p.findings, p.dups, p.recipe, p.raw_body)
                for p in step.requests
            ],
            step.progress,
        )
    )


def unpack(packed: bytes) -> Step:
    reqs, progress = marshal.loads(packed)
    return Step([Prepared(*r) for r in reqs], progress)


@dataclass(slots=True)
class Stored:
    """What one store step did."""

    done: int  # inbox row reached (0 for other sources)
    requests: list[tuple[Row, int]] = field(default_factory=list)  # (row, event count)
    events: list[Row] = field(default_factory=list)  # (id, seq, rid, dup, *body, head, found)
    foreign: bool = False  # another process stored events of these sessions meanwhile
    skipped: int = 0  # events not stored: their messageId was in the session already


def prepare(
    raw: RawRequest,
    events: list[CapturedEvent],
    encoded: list[tuple[str, str | None]],
    rows: bool,
) -> Prepared:
    """Rows for a built, linted request (``encoded``: each message's and original's JSON,
    from :func:`~inspector.ingest.encode.encode`)."""
    bodies = [
        pre_body(ev, text, original, lint_text(ev.lint) if ev.lint else None)
        for ev, (text, original) in zip(events, encoded, strict=True)
    ]
    req = request_row(raw)[1:]
    made = None
    if events and not raw.rejected and raw.fault is None:
        made = recipe(raw.body, [text for text, _ in encoded])
    body = b"" if made is not None else pack_body(req[_BODY])  # (a recipe: when stored)
    req = (*req[:_BODY], body, *req[_BODY + 1 :])
    p = Prepared(req, bodies)
    if made is not None:
        p.recipe, p.raw_body = made, raw.body
    if rows:
        p.heads = [head(ev.message) for ev in events]
        p.findings = [[(f.rule, f.severity, f.message, f.path) for f in ev.lint] for ev in events]
    return p
