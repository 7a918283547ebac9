"""The two stages every request goes through after it is acknowledged, and who runs them.

- **prepare**: read inbox rows, build the events (parse, split, enrich: the second and last
  parse), serialise each message once, lint (each session's linter, in arrival order) and
  hand back :class:`~inspector.ingest.prepared.Prepared` rows;
- **store**: one write transaction per step (:mod:`inspector.ingest.storestep`).

A :class:`Stages` object holds what one worker keeps between steps: the read connections to
inbox files, the linters, the store step. In ``serve`` with lint on 2+ cores the two stages
run in two worker processes side by side (a step is prepared while the one before is
stored); without lint, on one core, in the window and in recovery one worker runs both
(:meth:`Stages.process_inbox`).
The functions at the bottom are what a worker process is started with and called through.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.errors import DamagedFile
from inspector.domain.store import Store
from inspector.ingest.build import build_request, rejected, request_of
from inspector.ingest.encode import encode
from inspector.ingest.inbox import Inbox, progress_key
from inspector.ingest.linting import Linter, Linters
from inspector.ingest.prepared import Prepared, Step, Stored, pack, prepare, unpack
from inspector.ingest.storestep import StoreStep

log = logging.getLogger(__name__)


class Stages:
    def __init__(self, store: Store | None, linter_factory: Callable[[], Linter] | None) -> None:
        self.linters = Linters(linter_factory)
        self.store = store
        self.storing = StoreStep(store) if store is not None else None
        self._readers: dict[str, Inbox] = {}

    # -- keeping ----------------------------------------------------------------------------
    def reset(self, session_id: int | None = None) -> None:
        """A cleared or switched session: its cross-event lint state starts over."""
        self.linters.reset(session_id)

    def close_inbox(self, path: str) -> None:
        inbox = self._readers.pop(path, None)
        if inbox is not None:
            inbox.close()

    def _reader(self, path: str) -> Inbox:
        inbox = self._readers.get(path)
        if inbox is None:
            inbox = self._readers[path] = Inbox(Path(path), owner=False)
        return inbox

    def ping(self) -> bool:
        """Nothing (whether the worker runs at all)."""
        return True

    def index(self, limit: int) -> int:
        assert self.store is not None
        return self.store.index_pending(limit)

    def tidy(self) -> bool:
        """Idle: the store's and the index file's write-ahead logs cut to nothing."""
        assert self.store is not None
        return self.store.tidy()

    # -- prepare ----------------------------------------------------------------------------
    def _read(self, path: str, after: int, upto: int) -> list[tuple[Any, ...]]:
        try:
            return self._reader(path).read(after, upto, upto - after)
        except sqlite3.DatabaseError as exc:
            raise DamagedFile(path, str(exc), Path(path).parent.parent) from exc

    def prepare_inbox(self, path: str, after: int, upto: int, rows: bool) -> Step:
        """Inbox rows ``after+1..upto`` built, linted and ready to store."""
        found = self._read(path, after, upto)
        if len(found) != upto - after:
            raise ValueError(f"inbox rows {after + 1}..{upto} are not all there")
        reqs = [self.prepare_request(*build_request(row), rows) for row in found]
        return Step(reqs, (progress_key(Path(path)), after, upto))

    def prepare_packed(self, path: str, after: int, upto: int, rows: bool) -> bytes:
        """:meth:`prepare_inbox`, packed: the collector hands it on to the store worker as one
        bytes object (a copy), instead of unpacking and packing ~100 rows a request on its
        event loop. The requests' bodies stay behind: a step from the inbox stores every
        event, so each body is stored as its recipe (half of what a step would carry)."""
        step = self.prepare_inbox(path, after, upto, rows)
        for p in step.requests:
            if p.recipe is not None:
                p.raw_body = None
        return pack(step)

    def prepare_request(
        self,
        raw: RawRequest,
        events: list[CapturedEvent],
        rows: bool,
        *,
        envelope: bool = True,
    ) -> Prepared:
        """Serialise and lint one request's events; ``envelope`` False: no HTTP request
        carried them (an import), so no request-level rules."""
        encoded, clipped = [], []
        for ev in events:
            text, original, was_clipped = encode(ev)
            encoded.append((text, original))
            clipped.append(was_clipped)
        self.linters.lint(
            raw if envelope else None,
            events,
            [t for t, _ in encoded],
            clipped,
            session_id=raw.session_id,
        )
        return prepare(raw, events, encoded, rows)

    # -- store ------------------------------------------------------------------------------
    def store_step(self, step: Step, rows: bool) -> Stored:
        assert self.storing is not None
        return self.storing.store_step(step, rows)

    def store_packed(self, packed: bytes, rows: bool) -> Stored:
        return self.store_step(unpack(packed), rows)

    def process_inbox(self, path: str, upto: int, limit: int, rows: bool) -> Stored:
        """Both stages on up to ``limit`` rows after what the store has (ids up to ``upto``)."""
        assert self.store is not None
        inbox = self._reader(path)
        done = int(self.store.meta_value(progress_key(inbox.path)) or 0)
        last = min(upto, done + limit)
        if last <= done:
            return Stored(done)
        return self.store_step(self.prepare_inbox(path, done, last, rows), rows)

    def process_step(self, path: str, after: int, last: int, rows: bool) -> Stored:
        """Both stages on inbox rows ``after+1..last`` (one worker doing both)."""
        return self.store_step(self.prepare_inbox(path, after, last, rows), rows)

    def quarantine(self, path: str, row_id: int, reason: str) -> Stored:
        """Keep inbox row ``row_id`` as a rejected request that says why it could not be
        processed (its body kept whole), and move on: it is never tried again."""
        assert self.store is not None
        inbox = self._reader(path)
        (row,) = self._read(path, row_id - 1, row_id)
        try:
            raw = request_of(row)[0]
        except Exception:  # even its headers cannot be read: keep what the columns say
            raw = RawRequest(session_id=row[1], received_at=row[2], method="", path="")
            raw.body = bytes(row[11] or b"")
        rejected(raw, "quarantined", f"could not be processed ({reason}); kept as it came")
        step = Step([prepare(raw, [], [], False)], (progress_key(inbox.path), row_id - 1, row_id))
        return self.store_step(step, True)


# -- in a worker process ------------------------------------------------------------------
_stages: Stages | None = None


def start(data_dir: str | None, lint: bool, nice: int, parent: int) -> None:
    """A worker process's initializer: a store writer (``data_dir``) or a prepare stage."""
    global _stages
    from inspector.ingest.linting import default_linter
    from inspector.ingest.workers import settle_gc, start_parent_watch

    start_parent_watch(parent, nice)  # a killed collector must not leave its workers behind
    _stages = Stages(Store(data_dir) if data_dir else None, default_linter if lint else None)
    settle_gc()


def call(method: str, *args: Any) -> Any:
    """Run ``Stages.<method>(*args)`` in the worker process, without the cycle collector:
    a step allocates some 30 objects an event that reference counting frees, so collections
    during it walk objects that are never garbage (``benchmarks/prepare.py``: the prepare
    worker 1.5-2 µs an event less). It runs between calls, as the allocations made during
    one ask (:func:`~inspector.ingest.workers.settle_gc`'s thresholds)."""
    assert _stages is not None
    gc.disable()
    try:
        return getattr(_stages, method)(*args)
    finally:
        gc.enable()
