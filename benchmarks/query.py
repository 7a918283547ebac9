"""Query language on a stored session: indexed fields, paths, free text (FTS5), at 1M events.

    python benchmarks/query.py [--events 1000000] [--load-sample 100000] [--runs 5]
                               [--data-dir DIR] [--one-connection]

1. Load rate (events/s through Store.allocate + Store.write, 1,000-event chunks) on a sample,
   as shipped and without the query indexes on ``events`` (the store before the query
   language); plus the cost of the free-text and number indexing (``Store.index_all``: what
   the indexer does in a process of its own beside the store writer, in its own file).
2. Loads ``--events`` realistic ~700-byte Segment messages into one session, then times typical
   queries as every door runs them (median of ``--runs``): ``compile_query`` with the reader
   (trigram counts, number index candidates), the count (``CompiledQuery.count``), and the
   first page of 100 given that count (``Reader.page_rows``, the plan ``/api/events`` uses),
   with the ratio of the count to a full scan of the same rows
   (``... WHERE session_id=? AND message LIKE '%zzz%'``, on one connection). A count that
   reads the session's rows reads a long range in two halves at once (the reader's second
   connection, domain/store_twin.py); ``--one-connection`` times it without.

The result is a table to quote (issue 19's targets at 1M events: first page < 100 ms, count
< 500 ms; ✔ when both are met), with the load average before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus import message

from inspector.domain.capture import CapturedEvent, Finding, Source
from inspector.domain.query import compile_query
from inspector.domain.store import Store

QUERIES = [
    ("type+event", 'type:track event:"Order Completed"'),
    ("event (rare)", 'event:"Coupon Applied" lint:warning'),
    ("property comparison", "type:track properties.revenue:>290"),
    ("comparison (common)", "properties.revenue:>10"),
    ("free text (rare)", "user123@example.com"),
    ("free text (common)", "blue shirt"),
    ("free text glob", "user12*@example"),
    ("negation", 'type:track -event:"Order Completed" -lint:none'),
    ("user: (with identity ctx)", "user:user-001234"),
    ("userId:", "userId:user-004321"),
    ("lint:error", "lint:error"),
    ("rule:", "rule:revenue-string"),
    ("has:", "type:identify has:traits.email"),
]

RULES = [
    ("revenue-string", "error"),
    ("missing-currency", "warning"),
    ("unknown-event", "info"),
    ("timestamp-skew", "warning"),
]


def events(n: int, session_id: int, seed: int = 11) -> Iterator[CapturedEvent]:
    rng = random.Random(seed)
    now = time.time()
    for i in range(n):
        m = message(rng, i)
        lint: list[Finding] = []
        r = rng.random()
        if r < 0.02:
            lint.append(Finding(*RULES[0], "revenue is a string", "properties.revenue"))
        if r < 0.12:
            rule, sev = RULES[1 + rng.randrange(3)]
            lint.append(Finding(rule, sev, f"{rule} found", None))  # type: ignore[arg-type]
        lib = m["context"]["library"]
        yield CapturedEvent(
            session_id=session_id,
            received_at=now + i * 1e-3,
            message=m,
            type=m["type"],
            timestamp=now + i * 1e-3,
            source=Source(
                write_key="WK-bench",
                auth="basic",
                library=lib["name"],
                library_version=lib["version"],
                client="@segment/analytics-next",
            ),
            message_id=m["messageId"],
            dup=rng.random() < 0.01,
            lint=lint,
        )


def load(store: Store, session_id: int, n: int, chunk: int = 1000) -> float:
    """Load n events; returns events/s (building the events is not timed)."""
    it = events(n, session_id)
    spent = 0.0
    done = 0
    while done < n:
        batch = [next(it) for _ in range(min(chunk, n - done))]
        t = time.perf_counter()
        store.allocate(None, batch)
        store.write([], batch)
        spent += time.perf_counter() - t
        done += len(batch)
    return n / spent


def _strip(store: Store, indexes: bool) -> None:
    """Make a fresh store behave as if the query language added nothing to its writes (for
    load rates). The free-text and number indexes are in a file of their own, filled by the
    indexer, never by the store writer: nothing of theirs is on the write path to remove."""
    w = store._w  # benchmark-only access
    if not indexes:
        for (name,) in w.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND name LIKE 'events_q_%'"
        ).fetchall():
            w.execute(f"DROP INDEX {name}")


def _index(store: Store) -> float:
    """Run the (deferred) indexing to completion: seconds for both query indexes (free text
    and numbers, one pass: ``Store.index_all``, what the indexer does beside the writer)."""
    t = time.perf_counter()
    store.index_all()
    return time.perf_counter() - t


def load_rates(n: int) -> None:
    print(f"load rate, {n:,} events per configuration (allocate + write, 1,000-event chunks)")
    rates: dict[str, list[float]] = {}
    index_us: list[float] = []
    configs = [
        ("as shipped", True, True),
        ("without the query indexes", False, False),
    ]
    for _round in range(2):
        for label, fts, idx in configs:
            with tempfile.TemporaryDirectory() as d:
                store = Store(d)
                _strip(store, idx)
                sid = store.open_session("load").id
                rates.setdefault(label, []).append(load(store, sid, n))
                if fts:
                    index_us.append(_index(store) / n * 1e6)
                store.close()
    base = max(rates["without the query indexes"])
    for label, _, _ in configs:
        r = max(rates[label])
        print(
            f"  {label:<36} {r:>9,.0f} events/s  {1e6 / r:6.1f} µs/event"
            f"  (+{1e6 / r - 1e6 / base:5.1f} µs vs bare)"
        )
    print(
        f"  free-text and number indexing (Store.index_all: what the indexer does beside the"
        f" writer, off the write path): {min(index_us):.1f} µs/event"
    )


class _People:
    """user:user-X is that user and its two anonymous ids (as the corpus makes them)."""

    def identifiers_of(self, i: str) -> set[str]:
        return {i, "anon-" + i[5:] + "-0", "anon-" + i[5:] + "-1"}


def count(cq: Any, reader: Any, sid: int) -> int:
    """The count as the doors take it: ``CompiledQuery.count``, or on a checkout from before
    it (for before/after figures with this script) ``Reader.count`` of the query's SQL."""
    if hasattr(cq, "count"):
        return int(cq.count(reader, sid))
    return int(reader.count(sid, cq.where, cq.params))


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    return timed_cpu(fn, runs)[::2]


def timed_cpu(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds (this process: on a busy machine the CPU time says what
    the query costs, the wall time what a user waits), and the last answer."""
    times, cpu = [], []
    out = None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument(
        "--load-sample",
        type=int,
        default=100_000,
        help="events per configuration for the load-rate comparison (0 skips it)",
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--data-dir",
        help="keep the loaded store here and reuse it on the next run (default: a temp dir)",
    )
    ap.add_argument(
        "--one-connection",
        action="store_true",
        help="count on the reader's connection alone (no second connection for long ranges)",
    )
    args = ap.parse_args()

    if args.load_sample:
        load_rates(args.load_sample)

    with contextlib.ExitStack() as stack:
        d = args.data_dir or stack.enter_context(tempfile.TemporaryDirectory())
        store = Store(d)
        sid = store.open_session("bench").id
        have = store.count_events(sid)
        if have not in (0, args.events):
            sys.exit(f"{d} holds {have:,} events, not {args.events:,}: use another --data-dir")
        if have:
            print(f"\nreusing {have:,} stored events in {d}")
        else:
            t = time.perf_counter()
            rate = load(store, sid, args.events)
            print(
                f"\nloaded {args.events:,} events in {time.perf_counter() - t:.1f}s "
                f"({rate:,.0f} events/s, write only)"
            )
        spent = _index(store)
        print(
            f"free-text and number indexes built in {spent:.1f}s"
            f" ({spent / args.events * 1e6:.1f} µs/event),"
            f" {store.select('SELECT COUNT(*) FROM events_num')[0][0]:,} number entries;"
            f" db {sum(p.stat().st_size for p in Path(d).iterdir()) / 2**20:,.0f} MiB"
        )

        reader = store.reader()
        if args.one_connection:
            reader._twin = None  # benchmark-only access
        la = os.getloadavg()
        scan, _ = timed(lambda: reader.count(sid, "message LIKE '%zzz%'"), args.runs)
        print(f"full scan (message LIKE '%zzz%'): {scan * 1e3:.0f} ms")
        print(f"load average before: {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}\n")
        people = _People()
        rows = []
        for label, text in QUERIES:
            tq, cq = timed(lambda t=text: compile_query(t, people, index=reader), args.runs)
            tc, cc, n = timed_cpu(lambda cq=cq: count(cq, reader, sid), args.runs)
            where, params = cq.where, cq.params
            tp, _ = timed(
                lambda w=where, p=params, n=n: reader.page_rows(sid, w, p, limit=100, total=n),
                args.runs,
            )
            rows.append((label, tp, tc, cc, tq, n, text))
        head = (
            f"| {'query':<26} | {'first page ms':>13} | {'count ms':>8} | {'count/scan':>10} "
            f"| {'count CPU ms':>12} | {'matches':>9} | {'compile ms':>10} | met | expression"
        )
        print(head)
        print("|" + "|".join("-" * len(c) for c in head.split("|")[1:]))
        for label, tp, tc, cc, tq, n, text in rows:
            met = "✔" if tp < 0.1 and tc < 0.5 else "✘"
            print(
                f"| {label:<26} | {tp * 1e3:>13.1f} | {tc * 1e3:>8.1f} | {tc / scan:>10.2f} "
                f"| {cc * 1e3:>12.1f} | {n:>9,} | {tq * 1e3:>10.1f} | {met:^3} | `{text}`"
            )
        la = os.getloadavg()
        print(
            f"\nmedian of {args.runs} runs; full scan {scan * 1e3:.0f} ms; load average after: "
            f"{la[0]:.2f} {la[1]:.2f} {la[2]:.2f}"
        )
        reader.close()
        store.close()


if __name__ == "__main__":
    main()
