"""The store writer's cost per event: the store step alone, as a ratio to a plain insert.

Run: ``.venv/bin/python benchmarks/store_insert.py [--events 40000] [--at 0,1000000]``.

Requests of 100 realistic ~700-byte events (``_corpus.py``) are built and linted once, the
way the ingest path does (``Stages(None, default_linter).prepare_request``), then stored in
steps of ``--step`` requests (a burst: 40, the pipeline's chunk) with
``StoreStep(store).store_step`` into a store that holds ``--at`` events already (filled
first with the same steps; ``--keep DIR`` keeps a filled store to start from next time). It
prints CPU µs per event (this process's CPU time, robust on a busy machine) of:

* ``step``: the whole store step (the transaction: ids, duplicates, rows, insert, commit);
* ``insert``: its ``Txn.insert`` (the events and requests rows' INSERTs) alone;
* ``baseline``: one ``executemany`` of the same messages as blobs into a table with only an
  INTEGER PRIMARY KEY per request, in a store of the same size (WAL, synchronous=NORMAL;
  what ``benchmarks/ingest.py``'s baseline server does after parsing), measured in the
  same run, interleaved round by round; each figure also as a ratio to it.

``--drop-index NAME`` (repeatable) measures a scratch store without that index.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import batch_record, batches

from inspector.domain import store_write
from inspector.domain.store import Store
from inspector.ingest import default_linter
from inspector.ingest.build import build_request
from inspector.ingest.prepared import Prepared, Step
from inspector.ingest.stages import Stages
from inspector.ingest.storestep import StoreStep


def prepare(
    n_requests: int, session_id: int, seed: int
) -> tuple[list[Prepared], list[list[bytes]]]:
    """Requests built and linted as the prepare worker does; and their messages as blobs."""
    stages = Stages(None, default_linter)
    prepared, blobs = [], []
    t = time.time()
    for k, batch in enumerate(batches(n_requests, seed=seed)):
        body = orjson.dumps({"batch": batch, "sentAt": "2026-11-22T10:31:19.600Z"})
        row = batch_record(body, session_id, t + k * 0.001, duration_ms=0.4)
        raw, events = build_request((k + 1, *row))
        prepared.append(stages.prepare_request(raw, events, False))
        blobs.append([orjson.dumps(m) for m in batch])
    return prepared, blobs


class Timed:
    """CPU time spent in ``Txn.insert`` (wrapped while measuring)."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self._orig: Callable[..., None] = store_write.Txn.insert

    def __enter__(self) -> Timed:
        orig, me = self._orig, self

        def insert(txn: Any, req_rows: Any, ev_rows: Any) -> None:
            t0 = time.process_time()
            orig(txn, req_rows, ev_rows)
            me.cpu += time.process_time() - t0

        store_write.Txn.insert = insert  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        store_write.Txn.insert = self._orig  # type: ignore[method-assign]


def _steps(reqs: list[Prepared], per: int) -> list[Step]:
    return [Step(reqs[i : i + per]) for i in range(0, len(reqs), per)]


def _baseline_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS ev (id INTEGER PRIMARY KEY, body BLOB)")
    return db


def _baseline(db: sqlite3.Connection, blobs: list[list[bytes]], per: int) -> float:
    """CPU seconds to insert the blobs, one executemany per request, ``per`` requests a
    transaction (as the store step batches them)."""
    t0 = time.process_time()
    for i in range(0, len(blobs), per):
        db.execute("BEGIN")
        for rows in blobs[i : i + per]:
            db.executemany("INSERT INTO ev (body) VALUES (?)", [(b,) for b in rows])
        db.execute("COMMIT")
    return time.process_time() - t0


def fill(data_dir: Path, reqs: list[Prepared], blobs: list[list[bytes]], n: int, per: int) -> None:
    """``n`` events into a new store (and as many blobs into the baseline's file)."""
    store = Store(data_dir)
    store.open_session("bench")
    step = StoreStep(store)
    base = _baseline_db(data_dir / "base.sqlite3")
    done = 0
    started = time.monotonic()
    while done < n:
        for s in _steps(reqs, per):
            step.store_step(s)
            done += sum(len(p.events) for p in s.requests)
            if done >= n:
                break
    while base.execute("SELECT COALESCE(MAX(id), 0) FROM ev").fetchone()[0] < n:
        _baseline(base, blobs, per)
    base.close()
    store.close()
    print(f"  filled {done:,} events in {time.monotonic() - started:.0f} s", flush=True)


def measure(
    data_dir: Path, reqs: list[Prepared], blobs: list[list[bytes]], args: argparse.Namespace
) -> dict[str, list[float]]:
    store = Store(data_dir)
    store.open_session("bench")
    for name in args.drop_index:
        store._w.execute(f"DROP INDEX IF EXISTS {name}")
    for pragma in args.pragma:
        store._w.execute(f"PRAGMA {pragma}")
    step = StoreStep(store)
    base = _baseline_db(data_dir / "base.sqlite3")
    n_events = sum(len(p.events) for p in reqs)
    warm = _steps(reqs[: args.step], args.step)
    step.store_step(warm[0])  # the session's messageIds read, caches warm
    _baseline(base, blobs[: args.step], args.step)
    out: dict[str, list[float]] = {"step": [], "insert": [], "baseline": []}
    for _ in range(args.rounds):
        with Timed() as timed:
            t0 = time.process_time()
            for s in _steps(reqs, args.step):
                step.store_step(s)
            cpu = time.process_time() - t0
        out["step"].append(cpu / n_events * 1e6)
        out["insert"].append(timed.cpu / n_events * 1e6)
        out["baseline"].append(_baseline(base, blobs, args.step) / n_events * 1e6)
    base.close()
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=40_000, help="stored per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--step", type=int, default=40, help="requests (of 100 events) per step")
    ap.add_argument("--at", default="0,1000000", help="events already stored (comma-separated)")
    ap.add_argument("--keep", type=Path, help="keep filled stores here, reuse them next time")
    ap.add_argument("--drop-index", action="append", default=[], metavar="NAME")
    ap.add_argument("--pragma", action="append", default=[], help="for the writer: cache_size=…")
    args = ap.parse_args()
    t0 = time.monotonic()
    reqs, blobs = prepare(max(1, args.events // 100), 1, seed=7)
    print(f"prepared {sum(len(p.events) for p in reqs):,} events in {time.monotonic() - t0:.0f} s")
    for at in (int(x) for x in args.at.split(",")):
        with tempfile.TemporaryDirectory(prefix="store-insert-") as tmp:
            data_dir = Path(tmp) / "data"
            kept = args.keep / f"at-{at}" if args.keep else None
            if at and kept is not None and (kept / "inspector.sqlite3").exists():
                shutil.copytree(kept, data_dir)
            else:
                data_dir.mkdir()
                if at:
                    fill(data_dir, reqs, blobs, at, args.step)
                    if kept is not None:
                        shutil.rmtree(kept, ignore_errors=True)
                        shutil.copytree(data_dir, kept)
            res = measure(data_dir, reqs, blobs, args)
        base = statistics.median(res["baseline"])
        print(f"at {at:,} events stored (µs/event CPU, median of {args.rounds}; per round):")
        for key in ("step", "insert", "baseline"):
            med = statistics.median(res[key])
            rounds = " ".join(f"{v:.1f}" for v in res[key])
            print(f"  {key:9s} {med:6.1f}  {med / base:5.2f}x baseline   ({rounds})", flush=True)


if __name__ == "__main__":
    main()
