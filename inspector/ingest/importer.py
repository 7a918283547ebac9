"""``import``: an NDJSON file into a session, streamed, through the same store step.

Two kinds of line, in any mix: a plain message (what ``export`` writes, or any Segment
message), and a capture line (``export --format capture``: the message and its ``_inspector``
object, or a request of its own), restored as it was (:mod:`inspector.ingest.capture`).

- A plain message keeps what it says of itself: its ``receivedAt`` (else its ``timestamp``)
  is its arrival time, its ``context.library`` names its client, and it is linted as a
  message (no request-level rule: no HTTP request carried it). Plain lines go in as one
  request per :data:`CHUNK` lines (``IMPORT <file>``, ``lines=a-b``).
- Events whose messageId the session held before the import are skipped and counted
  (``allow_duplicates``: stored, flagged duplicate).
- A bad line (not JSON, not an object, nested too deep, a number too long...) is reported with
  its number: ``on_error="stop"`` stops and stores nothing; ``"skip"`` leaves it out.
- All or nothing: the file is stored in steps (other collectors keep writing meanwhile), each
  step recorded in a journal in the store; if the import fails or is interrupted, what it
  stored is deleted (by the next command on the data directory, if it was killed).
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.clients import detect_client
from inspector.domain.intake import Parsed, build_events
from inspector.domain.ndjson import NdjsonError, lines, parse_line
from inspector.domain.store import Session, Store
from inspector.domain.store_write import Txn
from inspector.ingest.capture import KEY, BadLine, CapturedLine, epoch, read_line
from inspector.ingest.encode import encode
from inspector.ingest.linting import Linter
from inspector.ingest.prepared import Prepared, Step, prepare
from inspector.ingest.stages import Stages

log = logging.getLogger(__name__)
CHUNK = 1000  # lines per step: a short write transaction (other writers wait at most that)
JOURNAL = "import:"


class ImportFailed(ValueError):
    """The import stopped; nothing of the file was stored."""


@dataclass
class ImportResult:
    session: Session
    imported: int = 0  # events stored
    requests: int = 0  # requests of their own restored (rejected, faults)
    skipped: int = 0  # events whose messageId the session held already
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)


def bad_reason(line: bytes) -> tuple[Any, str | None]:
    """The parsed line, or why it cannot be used."""
    obj, why = parse_line(line)
    if why is None and not isinstance(obj, dict):
        return None, "not a JSON object"
    return obj, why


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file's non-blank lines, streamed by the one NDJSON reader."""
    try:
        yield from lines(path)
    except NdjsonError as exc:
        raise ImportFailed(str(exc)) from exc


class Journal:
    """What an import stored so far, recorded in the store with each step (for undoing)."""

    def __init__(self, store: Store, session_id: int) -> None:
        self.store = store
        self.token = uuid.uuid4().hex[:12]
        self.key = JOURNAL + self.token
        self.session_id = session_id
        self.requests: list[list[int]] = []
        self.events: list[list[int]] = []
        self.lock_path = store.data_dir / f"import-{self.token}.lock"
        self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def record(self, txn: Txn, rid: int, n_req: int, eid: int, n_ev: int) -> None:
        for ranges, first, n in ((self.requests, rid, n_req), (self.events, eid, n_ev)):
            if n:
                ranges.append([first, first + n - 1])
        txn.set_meta(
            self.key,
            jsoncodec.dumps_str(
                {"session": self.session_id, "requests": self.requests, "events": self.events}
            ),
        )

    def finish(self, *, undo: bool) -> None:
        with self.store.writing() as txn:
            if undo:
                undo_journal(txn, txn.meta(self.key))
            txn.delete_meta(self.key)
        os.close(self._fd)
        self.lock_path.unlink(missing_ok=True)


def undo_journal(txn: Txn, value: str | None) -> None:
    """Delete what an import's journal says it stored."""
    if not value:
        return
    j = jsoncodec.loads(value)
    for table, ranges in (("events", j.get("events", [])), ("requests", j.get("requests", []))):
        for lo, hi in ranges:
            txn.conn.execute(f"DELETE FROM {table} WHERE id BETWEEN ? AND ?", (lo, hi))
    txn.bump_epoch()  # writers forget the messageIds they learnt from it


def undo_abandoned(store: Store) -> int:
    """Undo imports whose process is gone (killed mid-file); returns how many."""
    n = 0
    for (key,) in store.select("SELECT key FROM meta WHERE key LIKE 'import:%'"):
        lock = store.data_dir / f"import-{key[len(JOURNAL) :]}.lock"
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # still running
            with store.writing() as txn:
                undo_journal(txn, txn.meta(key))
                txn.delete_meta(key)
            lock.unlink(missing_ok=True)
            n += 1
        finally:
            os.close(fd)
    if n:
        log.warning("undid %d import(s) that stopped before the end of their file", n)
    return n


class Importer:
    def __init__(
        self,
        store: Store,
        session: Session,
        path: Path,
        *,
        linter_factory: Callable[[], Linter] | None,
        on_error: str = "stop",
        allow_duplicates: bool = False,
    ) -> None:
        self.store, self.session, self.path = store, session, path
        self.stages = Stages(store, linter_factory)
        self.on_error = on_error
        self.skip: set[str] | None = None if allow_duplicates else set()
        self.result = ImportResult(session)
        self.journal: Journal | None = None
        self._plain: list[tuple[int, dict[str, Any]]] = []
        self._prepared: list[Prepared] = []
        self._group: list[CapturedLine] = []

    # -- lines ------------------------------------------------------------------------------
    def run(self) -> ImportResult:
        self.journal = Journal(self.store, self.session.id)
        try:
            for n, line in read_lines(self.path):
                obj, why = bad_reason(line)
                if obj is not None and KEY in obj:
                    why = self._capture(obj)
                elif obj is not None:
                    self._flush_group()
                    self._plain.append((n, obj))
                    if len(self._plain) >= CHUNK:
                        self._flush_plain()
                if why is not None:
                    self.result.bad.append((n, why))
                    if self.on_error == "stop":
                        raise ImportFailed(f"{self.path}:{n}: {why}")
                if len(self._prepared) >= 8 or sum(len(p.events) for p in self._prepared) >= CHUNK:
                    self._store()
            self._flush_group()
            self._flush_plain()
            self._store()
        except BaseException:
            self.journal.finish(undo=True)
            raise
        self.journal.finish(undo=False)
        self.store.index_all()
        return self.result

    def _capture(self, obj: dict[str, Any]) -> str | None:
        try:
            line = read_line(obj, self.session.id)
        except BadLine as exc:
            return str(exc)
        self._flush_plain()
        if self._group and (
            line.request is not None or line.request_key != self._group[0].request_key
        ):
            self._flush_group()
        if line.kind == "request":
            assert line.request is not None
            self._prepared.append(prepare(line.request, [], [], False))
            self.result.requests += 1
            return None
        if not self._group and line.request is None:
            return f"{KEY}.request: the first line of a request must carry it in full"
        self._group.append(line)
        return None

    # -- steps ------------------------------------------------------------------------------
    def _flush_plain(self) -> None:
        """Plain messages as one request of their own: linted as messages, arrival and
        client as they say."""
        if not self._plain:
            return
        lines, self._plain = self._plain, []
        now = time.time()
        raw = RawRequest(
            session_id=self.session.id,
            received_at=now,
            method="IMPORT",
            path=str(self.path),
            query=f"lines={lines[0][0]}-{lines[-1][0]}",
            content_type="application/x-ndjson",
        )
        events: list[CapturedEvent] = []
        for i, (_, msg) in enumerate(lines):
            at = epoch(msg.get("receivedAt")) or epoch(msg.get("timestamp")) or now
            (ev,) = build_events(
                Parsed([msg], None, None),
                session_id=self.session.id,
                received_at=at,
                headers={},
                query={},
                header_auth=(None, "none"),
            )
            ev.batch_index, ev.batch_size = i, len(lines)
            ev.source.client = ev.source.library or detect_client(ev.source, {}, None, msg)
            events.append(ev)
        raw.event_count = len(events)
        self._prepared.append(self.stages.prepare_request(raw, events, False, envelope=False))

    def _flush_group(self) -> None:
        """Capture lines of one request, restored as they were (no linting again)."""
        if not self._group:
            return
        group, self._group = self._group, []
        raw = group[0].request
        assert raw is not None
        events, encoded, dups = [], [], []
        for line in group:
            ev = CapturedEvent(
                session_id=self.session.id,
                received_at=line.received_at,
                message=line.message,
                type=str(line.message.get("type") or "unknown"),
                timestamp=line.timestamp,
                source=line.source,
                message_id=line.message_id,
                batch_index=line.batch_index,
                batch_size=line.batch_size,
                original=line.original,
                generated_message_id=line.generated,
                lint=line.lint,
            )
            text, original, _ = encode(ev)
            events.append(ev)
            encoded.append((text, original))
            dups.append(line.dup)
        p = prepare(raw, events, encoded, False)
        p.dups = dups
        self._prepared.append(p)

    def _store(self) -> None:
        if not self._prepared:
            return
        step, self._prepared = Step(self._prepared), []
        assert self.stages.storing is not None and self.journal is not None
        stored = self.stages.storing.store_step(step, skip_known=self.skip, journal=self.journal)
        self.result.imported += sum(n for _, n in stored.requests)
        self.result.skipped += stored.skipped


def import_file(
    store: Store,
    path: Path,
    session_name: str,
    *,
    linter_factory: Callable[[], Linter] | None = None,
    on_error: str = "stop",
    allow_duplicates: bool = False,
) -> ImportResult:
    """Import ``path`` into the session ``session_name`` (made if new); :class:`ImportFailed`
    if it stopped (nothing stored)."""
    if not path.is_file():
        raise ImportFailed(f"cannot read {path}: no such file")
    session = store.open_session(session_name)
    return Importer(
        store,
        session,
        path,
        linter_factory=linter_factory,
        on_error=on_error,
        allow_duplicates=allow_duplicates,
    ).run()
