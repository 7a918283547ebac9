"""Cutting a write-ahead log back to nothing once writing has stopped.

Both the store and the query indexes' file run in WAL mode: a committed transaction sits in
``<file>-wal`` until a checkpoint copies it into the file, and after a checkpoint SQLite keeps
the log at up to ``journal_size_limit`` bytes (8 MiB) for the next writes. Once a burst is
over, that is up to 16 MiB of a data directory holding nothing that is not in the files too.
:func:`cut_wal` copies every frame into the file and truncates the log to zero bytes; it is
run when the ingest path has been idle for a while (:mod:`inspector.ingest.indexing`), never
on the write path. It waits at most :data:`WAIT_MS` for a writer or a reader of an older
snapshot, and gives up (the log stays as it was, nothing is lost) rather than hold writers up.
"""

from __future__ import annotations

import sqlite3

#: how long a cut waits for the file's writer (and readers of an older snapshot) to finish
WAIT_MS = 250


def cut_wal(conn: sqlite3.Connection, restore_ms: int = 30_000) -> bool:
    """Checkpoint every frame of the log of ``conn``'s main file and truncate the log;
    whether it was done (False: busy, try again later). ``conn`` writes (not ``mode=ro``),
    outside any transaction; its busy timeout is ``restore_ms`` again afterwards."""
    conn.execute(f"PRAGMA busy_timeout={WAIT_MS}")
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # locked past the wait
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout={int(restore_ms)}")
    return not busy
