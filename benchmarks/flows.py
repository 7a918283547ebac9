"""Flow check benchmark: a 4-step checkout flow over a stored session of N people.

    .venv/bin/python benchmarks/flows.py [--people 10000] [--rounds 3]

Each person sends 10 events (pricing page and "Signed Up" anonymously, identify, then seven
tracks as the user), so a session of 10,000 people holds 100,000 events and every step has
thousands of hits. Timed: ``check_flow`` on the stored session with its identity graph
(people resolved, every person walked, the best checklist built) for a flow that passes, and
for one that fails (with its closest misses). The baseline, measured in the same run, is
reading the same steps' matching rows with the same SQL and nothing else; the ratio is what
flows add on top of the queries.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.domain.capture import CapturedEvent, Source
from inspector.domain.flows import check_flow, flow_from_data, session_source
from inspector.domain.identity import replay
from inspector.domain.query import compile_query
from inspector.domain.store import Store

STEPS = [
    "type:page name:Pricing",
    'type:track event:"Signed Up"',
    "type:identify",
    'type:track event:"Order Completed" properties.revenue:>0',
]
TRACKS = ["Order Completed", "Product Viewed", "Cart Viewed", "Search", "Coupon", "Home", "Help"]


def session(store: Store, people: int) -> int:
    s = store.open_session("bench")
    now = time.time()
    batch: list[CapturedEvent] = []
    for p in range(people):
        a, u = f"anon-{p}", f"user-{p}"
        msgs = [
            {"type": "page", "name": "Pricing", "anonymousId": a},
            {"type": "track", "event": "Signed Up", "anonymousId": a},
            {"type": "identify", "userId": u, "anonymousId": a},
        ] + [
            {"type": "track", "event": e, "userId": u, "properties": {"revenue": p % 3}}
            for e in TRACKS
        ]
        for k, m in enumerate(msgs):
            batch.append(
                CapturedEvent(
                    session_id=s.id,
                    received_at=now,
                    message=m,
                    type=m["type"],
                    timestamp=now,
                    source=Source(),
                    message_id=f"{p}-{k}",
                )
            )
        if len(batch) >= 5000:
            store.allocate(None, batch)
            store.write([], batch)
            batch = []
    if batch:
        store.allocate(None, batch)
        store.write([], batch)
    return s.id


def timed(fn, rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    d = tempfile.mkdtemp(prefix="ei-bench-flows-")
    store = Store(d)
    try:
        sid = session(store, args.people)
        n = store.count_events(sid)
        graph = replay(store.iter_events(sid))
        passing = flow_from_data({"name": "checkout", "steps": STEPS})
        failing = flow_from_data({"name": "never", "steps": [STEPS[0], 'event:"Refunded"']})

        def baseline() -> None:
            for q in STEPS:
                cq = compile_query(q, graph)
                cond = f" AND ({cq.where})" if cq.where else ""
                store.select(
                    f"SELECT id, user_id, anonymous_id, previous_id FROM events{store.join} "
                    f"WHERE session_id=?{cond} ORDER BY id",
                    [sid, *cq.params],
                )

        base = timed(baseline, args.rounds)
        ok = timed(lambda: check_flow(passing, session_source(store, sid, graph)), args.rounds)
        bad = timed(lambda: check_flow(failing, session_source(store, sid, graph)), args.rounds)
        print(f"{n:,} events, {args.people:,} people, median of {args.rounds}:")
        print(f"  baseline (the 4 steps' SQL, rows fetched)  {base * 1000:8.0f} ms")
        print(f"  passing flow                               {ok * 1000:8.0f} ms  {ok / base:.1f}x")
        print(f"  failing flow with closest misses           {bad * 1000:8.0f} ms")
    finally:
        store.close()
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
