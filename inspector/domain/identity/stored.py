"""The identity graph of a *stored* session, read from the store and kept up to date.

``user:X`` asks a graph for X's other ids. For the session a collector is writing, the graph is
fed live while someone watches and otherwise catches up from the store when a query needs it;
for any other stored session it is replayed from the store. Both read only what the graph
uses (ids, type, message JSON) in arrival order, by ``(seq, id)`` keyset on the session index.

A :class:`StoredIdentity` is safe to share between threads: the catch-up runs in a query
thread (never on the event loop) and holds the lock one chunk at a time, so a live
:meth:`StoredIdentity.observe` or a lookup waits at most one chunk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent
from inspector.domain.identity.graph import IdentityGraph

#: ``rows(session_id, after_seq, after_id, limit)`` -> ``[(seq, id, ts, message_id, message
#: JSON)]`` in (seq, id) order: :meth:`inspector.domain.store.Store.identity_rows` (the
#: messageId None where the message holds it: reading it there is the store's slowest column).
RowSource = Callable[[int, int, int, int], Sequence[tuple[Any, ...]]]
CHUNK = 2000


class StoredIdentity:
    """One session's graph and how far into the stored session it has read."""

    def __init__(self, session_id: int, mode: str = "default") -> None:
        self.session_id = session_id
        self.graph = IdentityGraph(mode=mode)
        self._lock = threading.RLock()
        self._after = (0, 0)  # (seq, id) of the last event the graph has seen
        self.behind = True  # stored events may exist that the graph has not seen

    @property
    def mode(self) -> str:
        return self.graph.mode

    def mark_behind(self) -> None:
        """Events were stored that nobody fed to the graph: the next catch-up reads them."""
        with self._lock:
            self.behind = True

    def catch_up(self, rows: RowSource, chunk: int = CHUNK) -> IdentityGraph:
        """Feed the graph the stored events it has not seen; returns the graph."""
        if not self.behind:
            return self.graph
        while True:
            with self._lock:
                if not self.behind:
                    return self.graph
                got = rows(self.session_id, self._after[0], self._after[1], chunk)
                observe = self.graph.observe_message
                for _seq, eid, ts, mid, message in got:
                    m = jsoncodec.loads(message)
                    mid = mid if mid is not None else m.get("messageId")  # (the store's)
                    observe(m, event_id=eid, message_id=mid, at=ts)
                if got:
                    self._after = (got[-1][0], got[-1][1])
                if len(got) < chunk:
                    self.behind = False
                    return self.graph

    def observe(self, events: Iterable[CapturedEvent]) -> bool:
        """Feed events as they are stored (arrival order). While the graph is behind it takes
        nothing (the catch-up reads them from the store); returns whether it took them."""
        with self._lock:
            if self.behind:
                return False
            after = self._after
            for ev in events:
                key = (ev.seq, ev.id)
                if key > after:
                    self.graph.observe(ev)
                    after = key
            self._after = after
            return True

    def identifiers_of(self, value: str) -> set[str]:
        with self._lock:
            return self.graph.identifiers_of(value)


def replay_stored(rows: RowSource, session_id: int, mode: str = "default") -> IdentityGraph:
    """A stored session's graph under ``mode`` (its own merge mode, unless asked otherwise)."""
    return StoredIdentity(session_id, mode).catch_up(rows)
