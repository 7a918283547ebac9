"""The store step: prepared requests become stored rows, in one transaction per step.

The transaction takes SQLite's write lock first (``BEGIN IMMEDIATE``), so everything it reads
and assigns is its own until it commits: the ids (from the store, never from a counter this
process keeps), each session's sequence numbers, which messageIds the sessions already hold
(:class:`~inspector.ingest.dedupe.Dedupe`), and the inbox progress it records with the rows.
A step whose progress the store has already recorded is not stored twice.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from inspector.domain.store import Store
from inspector.domain.store_body import pack as pack_body
from inspector.domain.store_body import recipe_blob
from inspector.domain.store_rows import body_of
from inspector.domain.store_write import REQUEST_BODY, Txn
from inspector.ingest.dedupe import Dedupe
from inspector.ingest.encode import GENERATED_AT, MID_AT
from inspector.ingest.prepared import Prepared, Row, Step, Stored

_SESSION_AT = 0  # the session id's place in an event body and a request row without id
_REQ = {c: i for i, c in enumerate(REQUEST_BODY)}


class StoreStep:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.dedupe = Dedupe()

    def store_step(
        self,
        step: Step,
        rows: bool = False,
        *,
        skip_known: set[str] | None = None,
        journal: Any = None,
    ) -> Stored:
        """Store one step; with ``rows``, hand back the stored events for announcing.

        ``skip_known`` (an import without ``--allow-duplicates``): events whose messageId the
        session held before are not stored (counted in ``skipped``); the set collects the
        messageIds this import stored, which stay duplicates of each other as usual.
        ``journal`` (an import): told the ids stored, inside the transaction."""
        reqs = step.requests
        sessions = {p.request[_SESSION_AT] for p in reqs}
        bodies = [[body_of(pre) for pre in p.events] for p in reqs]  # (before the write lock)
        with self.store.writing() as txn:
            if step.progress is not None:
                key, after, last = step.progress
                done = int(txn.meta(key) or 0)
                if done != after:  # stored already (a retried step): nothing twice
                    return Stored(done)
            foreign = self.dedupe.sync(txn, sessions)
            kept, skipped = self._keep(reqs, bodies, skip_known)
            stored, new, upto = self._insert(txn, reqs, bodies, kept, rows, journal)
            if step.progress is not None:
                txn.set_meta(key, str(last))
        self.dedupe.commit(new, upto)
        if skip_known is not None:
            for mids in new.values():
                skip_known |= mids
        stored.done = step.progress[2] if step.progress is not None else 0
        stored.foreign, stored.skipped = foreign, skipped
        return stored

    def _keep(
        self, reqs: list[Prepared], bodies: list[list[Row]], skip_known: set[str] | None
    ) -> tuple[list[list[int]], int]:
        """Which events of each request to store (all, unless an import skips repeats)."""
        if skip_known is None:
            return [list(range(len(p.events))) for p in reqs], 0
        kept: list[list[int]] = []
        skipped = 0
        for p, made in zip(reqs, bodies, strict=True):
            known = self.dedupe.known[p.request[_SESSION_AT]]
            keep = []
            for i, body in enumerate(made):
                mid = body[MID_AT]
                if not body[GENERATED_AT] and mid in known and mid not in skip_known:
                    skipped += 1
                    continue
                keep.append(i)
            kept.append(keep)
        return kept, skipped

    def _insert(
        self,
        txn: Txn,
        reqs: list[Prepared],
        bodies: list[list[Row]],
        kept: list[list[int]],
        rows: bool,
        journal: Any,
    ) -> tuple[Stored, dict[int, set[str]], int]:
        n_events = sum(map(len, kept))
        rid = txn.reserve("requests", len(reqs))
        eid = txn.reserve("events", n_events)
        if journal is not None:
            journal.record(txn, rid, len(reqs), eid, n_events)
        per_session = Counter(
            p.request[_SESSION_AT] for p, keep in zip(reqs, kept, strict=True) for _ in keep
        )
        seq = {sid: txn.reserve_seq(sid, n) for sid, n in per_session.items()}
        new: dict[int, set[str]] = {sid: set() for sid in per_session}
        req_rows: list[Row] = []
        ev_rows: list[Row] = []
        out = Stored(0)
        for p, made, keep in zip(reqs, bodies, kept, strict=True):
            sid = p.request[_SESSION_AT]
            known, fresh = self.dedupe.known[sid], new.get(sid, set())
            req_rows.append((rid, *p.request))
            if p.recipe is not None:  # the body: made of its events, if all are stored
                b = _REQ["body"] + 1
                kept_body = (
                    recipe_blob(*p.recipe, eid, len(keep))
                    if keep and len(keep) == len(p.events)
                    else pack_body(p.raw_body)
                )
                req_rows[-1] = (*req_rows[-1][:b], kept_body, *req_rows[-1][b + 1 :])
            for i in keep:
                body = made[i]
                mid = body[MID_AT]
                if p.dups is not None:
                    dup = p.dups[i]
                else:
                    dup = not body[GENERATED_AT] and (mid in known or mid in fresh)
                if not body[GENERATED_AT]:
                    fresh.add(mid)
                row = (eid, seq[sid], rid, int(dup), *body)
                ev_rows.append(row)
                if rows:
                    head = p.heads[i] if p.heads is not None else None
                    found = p.findings[i] if p.findings is not None else []
                    out.events.append((*row, head, found))
                eid += 1
                seq[sid] += 1
            light: Row = req_rows[-1]
            if not p.request[_REQ["rejected"]] and p.request[_REQ["fault"]] is None:
                b = _REQ["body"] + 1  # an accepted request's body stays in the store
                light = (*light[:b], b"", *light[b + 1 :])
            out.requests.append((light, len(keep)))
            rid += 1
        txn.insert(req_rows, ev_rows)
        return out, new, eid - 1
