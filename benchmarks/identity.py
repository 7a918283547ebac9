"""Identity graph benchmark: 1,000,000 synthetic events for 100,000 people.

    .venv/bin/python benchmarks/identity.py [--events N] [--people N] [--mode MODE] [--seed S]

Flows per person: anonymous page views, identify(anon, user), tracks carrying both ids;
about 30% use a second device (identify there, or alias(previousId=anon2) in 1 of 3 cases),
5% alias a former userId, and ~1% of devices are shared (identify with another user and no
reset()). Events of all people are interleaved by time. Messages are generated up front, so
the timed loop measures only ``observe_message``; the baseline is a bare loop over the same
messages doing the two dict lookups of their ids. Memory is the RSS growth while feeding
(the messages already exist, so it is what the graph itself keeps).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.domain.identity import IdentityGraph

T0 = 1_700_000_000.0


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def generate(n_events: int, n_people: int, seed: int) -> list[tuple[float, dict[str, Any]]]:
    rng = random.Random(seed)
    per_person = n_events // n_people
    out: list[tuple[float, dict[str, Any]]] = []
    pages = ["Home", "Pricing", "Docs", "Blog", "Signup"]
    tracks = [
        "Product Viewed",
        "Product Added",
        "Checkout Started",
        "Order Completed",
        "Button Clicked",
        "Video Played",
    ]

    def uid4() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    user_ids = [f"usr_{i:07d}" for i in range(n_people)]
    for i in range(n_people):
        user = user_ids[i]
        t = T0 + rng.random() * 86_400 * 7
        a1 = uid4()
        budget = per_person
        evs: list[dict[str, Any]] = []
        for _ in range(rng.randint(1, 3)):
            evs.append({"type": "page", "anonymousId": a1, "name": rng.choice(pages)})
        evs.append(
            {"type": "identify", "anonymousId": a1, "userId": user, "traits": {"plan": "pro"}}
        )
        second = rng.random() < 0.3
        shared = rng.random() < 0.01
        former = rng.random() < 0.05
        n_tail = budget - len(evs) - (3 if second else 0) - (1 if shared else 0) - former
        for _ in range(max(0, n_tail)):
            evs.append(
                {"type": "track", "anonymousId": a1, "userId": user, "event": rng.choice(tracks)}
            )
        if second:
            a2 = uid4()
            evs.append({"type": "screen", "anonymousId": a2, "name": "Launch"})
            if rng.random() < 1 / 3:
                evs.append({"type": "alias", "anonymousId": a2, "previousId": a2, "userId": user})
            else:
                evs.append({"type": "identify", "anonymousId": a2, "userId": user})
            evs.append(
                {"type": "track", "anonymousId": a2, "userId": user, "event": rng.choice(tracks)}
            )
        if former:
            evs.append({"type": "alias", "previousId": f"legacy_{i}", "userId": user})
        if shared:
            other = user_ids[rng.randrange(n_people)]
            evs.append({"type": "identify", "anonymousId": a1, "userId": other})
        for ev in evs:
            t += rng.expovariate(1 / 30)
            out.append((t, ev))
    out.sort(key=lambda te: te[0])
    return out[:n_events]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--mode", default="default")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()

    t = time.perf_counter()
    stream = generate(args.events, args.people, args.seed)
    items = [(ev, i + 1, f"msg-{i:08d}", at) for i, (at, ev) in enumerate(stream)]
    del stream
    n = len(items)
    print(
        f"generated {n:,} events for {args.people:,} people "
        f"in {time.perf_counter() - t:.1f}s (mode={args.mode})"
    )

    # Baseline: a bare loop doing dict lookups of the same ids.
    seen: dict[str, int] = {}
    for ev, i, _mid, _at in items:
        for k in ("userId", "anonymousId"):
            v = ev.get(k)
            if v is not None:
                seen.setdefault(v, i)
    gc.collect()
    t = time.perf_counter()
    hits = 0
    for ev, _i, _mid, _at in items:
        if seen.get(ev.get("userId")) is not None:
            hits += 1
        if seen.get(ev.get("anonymousId")) is not None:
            hits += 1
    base = time.perf_counter() - t

    gc.collect()
    gc.disable()
    before = rss_mb()
    g = IdentityGraph(args.mode)
    observe = g.observe_message
    t = time.perf_counter()
    for ev, i, mid, at in items:
        observe(ev, event_id=i, message_id=mid, at=at)
    took = time.perf_counter() - t
    gc.enable()
    gc.collect()
    grown = rss_mb() - before

    print(
        f"baseline (2 dict lookups/event): {base / n * 1e6:7.3f} µs/event  "
        f"{n / base:12,.0f} events/s"
    )
    print(
        f"IdentityGraph.observe_message:   {took / n * 1e6:7.3f} µs/event  "
        f"{n / took:12,.0f} events/s   ratio {took / base:.1f}x baseline"
    )
    print(
        f"graph: {g.node_count:,} identifiers, {g.people_count():,} people, "
        f"{g.edge_count:,} distinct edges, {g.warning_count:,} warnings; "
        f"memory +{grown:,.0f} MB RSS ({grown * 1024 * 1024 / n:.0f} B/event)"
    )

    rng = random.Random(args.seed + 1)
    users = [f"usr_{rng.randrange(args.people):07d}" for _ in range(args.queries)]
    for name, fn in (
        ("snapshot(user=…)", lambda u: g.snapshot(user=u)),
        ("event_ids_of", g.event_ids_of),
        ("identifiers_of", g.identifiers_of),
        ("timeline", g.timeline),
    ):
        times = []
        for u in users:
            t = time.perf_counter()
            fn(u)
            times.append(time.perf_counter() - t)
        times.sort()
        p50 = statistics.median(times) * 1e3
        p99 = times[int(len(times) * 0.99) - 1] * 1e3
        print(f"{name:18s} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   max {times[-1] * 1e3:7.3f} ms")
    t = time.perf_counter()
    rows = g.people_rows()
    print(f"people_rows(): {len(rows):,} rows in {(time.perf_counter() - t) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
