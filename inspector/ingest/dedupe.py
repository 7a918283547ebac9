"""Which messageIds each session holds, kept in step with every process that writes the store.

A repeated ``messageId`` is flagged duplicate (Segment would drop it). Each writer remembers
the messageIds of the sessions it writes; inside each write transaction it first reads the
events other processes stored since it last looked (a range scan of the primary key, usually
a few rows), so two collectors, the window and an ``import`` on one session flag exactly the
repeats, whichever process stored the first one. A clear or a delete anywhere bumps the
store's epoch, and the memory is read again. Nothing is remembered before its transaction
commits, so a write that failed (a full disk) and is retried flags nothing falsely.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from inspector.domain.store_write import Txn

log = logging.getLogger(__name__)


class Dedupe:
    def __init__(self) -> None:
        self.known: dict[int, set[str]] = {}
        self.upto = 0  # every event up to this id is reflected in ``known``
        self.epoch = -1
        self.shared: set[int] = set()  # sessions another process writes too (said once)

    def sync(self, txn: Txn, sessions: Iterable[int]) -> bool:
        """Bring the memory up to date inside ``txn``; True if another process stored
        events of one of ``sessions`` since the last look."""
        epoch = txn.epoch()
        if epoch != self.epoch:
            self.known.clear()
            self.epoch = epoch
        top = txn.last_event_id()
        foreign = False
        wanted = set(sessions)
        if self.known and top > self.upto:
            for _eid, sid, mid, generated in txn.stored_since(self.upto):
                mids = self.known.get(sid)
                if mids is None:
                    continue
                if not generated:
                    mids.add(mid)
                if sid in wanted:
                    foreign = True
                    self._say_shared(txn, sid)
        self.upto = top
        for sid in wanted:
            if sid not in self.known:
                self.known[sid] = txn.message_ids(sid)
        return foreign

    def commit(self, new: dict[int, set[str]], upto: int) -> None:
        """After the transaction committed: its messageIds are now held."""
        for sid, mids in new.items():
            known = self.known.get(sid)
            if known is not None:
                known |= mids
        self.upto = max(self.upto, upto)

    def _say_shared(self, txn: Txn, sid: int) -> None:
        if sid in self.shared:
            return
        self.shared.add(sid)
        log.warning(
            "session %r is being stored into by another process as well: duplicates are "
            "found across all of them, but this one's cross-event lint rules (W008, "
            "W030-W034, I007, I015) see only the events it stored itself",
            txn.session_name(sid),
        )
