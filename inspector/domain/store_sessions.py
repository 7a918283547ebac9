"""A store's sessions: :class:`Session`, its default name, the reads of the ``sessions`` table
and what forgets a session's rows (:class:`~inspector.domain.store.Store` keeps one-line
methods over these)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inspector.domain.capture import epoch_iso
from inspector.domain.query import indexer as _ix
from inspector.domain.store_write import Txn, seq_key

#: runs a read on the store's read connection: ``Store._rows``
Rows = Callable[[str, Sequence[Any]], list[Any]]

_COLS = "SELECT id, name, created_at, merge_mode FROM sessions"


class SessionNotFound(KeyError):
    pass


@dataclass(slots=True, frozen=True)
class Session:
    id: int
    name: str
    created_at: float
    merge_mode: str = "default"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "createdAt": epoch_iso(self.created_at),
            "mergeMode": self.merge_mode,
        }


def default_session_name(now: float | None = None) -> str:
    return datetime.fromtimestamp(now or time.time()).strftime("%Y-%m-%d %H:%M:%S")


def find_session(rows: Rows, key: str | int) -> Session | None:
    """The session with this id (an int, or digits no session is named) or name."""
    if isinstance(key, int) or (
        isinstance(key, str)
        and key.isdigit()
        and not rows("SELECT 1 FROM sessions WHERE name=?", (key,))
    ):
        found = rows(f"{_COLS} WHERE id=?", (int(key),))
    else:
        found = rows(f"{_COLS} WHERE name=?", (key,))
    return Session(*found[0]) if found else None


def latest_session(rows: Rows) -> Session | None:
    found = rows(f"{_COLS} ORDER BY id DESC LIMIT 1", ())
    return Session(*found[0]) if found else None


def list_sessions(rows: Rows) -> list[dict[str, Any]]:
    """Every session with its count of events and of rejected requests and its last arrival."""
    found = rows(
        "SELECT s.id, s.name, s.created_at, s.merge_mode, "
        "(SELECT COUNT(*) FROM events e WHERE e.session_id = s.id), "
        "(SELECT COUNT(*) FROM requests r WHERE r.session_id = s.id AND r.rejected = 1), "
        # the latest arrival's time, by the seq index (MAX(received_at) read every row:
        # 6 s for a session of 1M events, each time the window listed the sessions)
        "(SELECT received_at FROM events e INDEXED BY events_session_seq "
        "WHERE e.session_id = s.id ORDER BY seq DESC LIMIT 1) "
        "FROM sessions s ORDER BY s.id",
        (),
    )
    out = []
    for sid, name, created, mode, n, rej, last in found:
        d = Session(sid, name, created, mode).to_dict()
        d.update(events=n, rejected=rej, lastEventAt=epoch_iso(last) if last else None)
        out.append(d)
    return out


def forget_session(txn: Txn, session_id: int) -> None:
    """Delete a session's events and requests (its sequence numbers start over), and its
    entries in the query indexes (attached for the transaction)."""
    _ix.forget_session(txn.conn, session_id)
    txn.conn.execute("DELETE FROM events WHERE session_id=?", (session_id,))
    txn.conn.execute("DELETE FROM requests WHERE session_id=?", (session_id,))
    txn.delete_meta(seq_key(session_id))
    txn.bump_epoch()  # writers re-read which messageIds the session holds
