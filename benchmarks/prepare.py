"""CPU per event of each part of the ingest path's two worker stages, on the ingest corpus.

The prepare worker reads inbox rows and builds the events (parse, split, enrich), serialises
each message, lints, makes the store rows and packs the step for the store worker; the store
worker unpacks it and stores it (one transaction). Under a burst the prepare worker is the
bottleneck of ``serve`` (``benchmarks/ingest.py``'s "processed"), so what it costs an event is
what this measures, part by part, in this one process (no HTTP, no other process running).

    python benchmarks/prepare.py [--requests 40] [--rounds 7]

Each round runs every part on one step of ``--requests`` requests of 100 events (what a
worker takes at once under load) with fresh lint state, and the minimum of the rounds is
reported for each part (the least disturbed by whatever else the machine does). The worker's
garbage-collector settings are applied as in a worker process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus import batch_record, batches

from inspector.domain.store import Store
from inspector.ingest.build import build_request
from inspector.ingest.encode import encode
from inspector.ingest.inbox import Inbox
from inspector.ingest.linting import default_linter
from inspector.ingest.prepared import Step, pack, prepare, unpack
from inspector.ingest.stages import Stages
from inspector.ingest.workers import settle_gc

PARTS = ("build", "encode", "lint", "rows", "pack", "unpack", "store")


def fill(inbox: Inbox, n_requests: int, session_id: int) -> None:
    for b in batches(n_requests):
        body = orjson.dumps({"batch": b, "sentAt": "2026-11-22T10:31:20.000Z", "writeKey": "WK"})
        inbox.append(batch_record(body, session_id, time.time(), event_count=len(b)))


def one_round(path: str, n: int, data_dir: Path) -> dict[str, float]:
    """Seconds of CPU each part took on inbox rows 1..n, with fresh lint state and store."""
    clock = time.process_time
    stages = Stages(None, default_linter)
    store = Store(data_dir)
    session = store.open_session("bench").id
    writer = Stages(store, None)
    found = stages._read(path, 0, n)
    found = [(r[0], session, *r[2:]) for r in found]
    took: dict[str, float] = {}
    t = clock()
    built = [build_request(row) for row in found]
    took["build"] = clock() - t
    t = clock()
    encoded = [[encode(ev) for ev in events] for _, events in built]
    took["encode"] = clock() - t
    t = clock()
    for (raw, events), enc in zip(built, encoded, strict=True):
        texts, clipped = [e[0] for e in enc], [e[2] for e in enc]
        stages.linters.lint(raw, events, texts, clipped, session_id=raw.session_id)
    took["lint"] = clock() - t
    t = clock()
    preps = [
        prepare(raw, events, [(e[0], e[1]) for e in enc], False)
        for (raw, events), enc in zip(built, encoded, strict=True)
    ]
    took["rows"] = clock() - t
    for p in preps:
        if p.recipe is not None:
            p.raw_body = None
    t = clock()
    packed = pack(Step(preps, None))
    took["pack"] = clock() - t
    t = clock()
    step = unpack(packed)
    took["unpack"] = clock() - t
    t = clock()
    writer.store_step(step, False)
    took["store"] = clock() - t
    store.close()
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=40, help="requests of 100 events a step")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    n = args.requests
    with tempfile.TemporaryDirectory() as d:
        inbox = Inbox(Path(d) / "inbox.sqlite3", owner=True)
        fill(inbox, n, 1)
        settle_gc()
        best: dict[str, float] = {}
        for r in range(args.rounds):
            took = one_round(str(inbox.path), n, Path(d) / f"store{r}")
            for k, v in took.items():
                best[k] = min(best.get(k, v), v)
        inbox.close()
    events = n * 100
    print(f"{events:,} events a round, {args.rounds} rounds; µs CPU an event (best round):")
    for k in PARTS:
        print(f"  {k:<8} {best[k] / events * 1e6:6.2f}")
    prep = sum(best[k] for k in ("build", "encode", "lint", "rows", "pack"))
    stor = best["unpack"] + best["store"]
    print(f"  prepare worker {prep / events * 1e6:6.2f}  (build, encode, lint, rows, pack)")
    print(f"  store worker   {stor / events * 1e6:6.2f}  (unpack, store)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
