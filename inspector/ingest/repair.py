"""``repair``: a damaged store or inbox file moved aside, and every row SQLite can still read
saved into a fresh one.

Nothing is deleted: the damaged file (with its ``-wal``/``-shm``) is renamed
``<name>.damaged-<time>`` next to where it was. Rows are read table by table in rowid order;
where a page cannot be read, reading skips ahead (1, 2, 4... rowids) until it can again, so a
file cut short or overwritten in the middle gives up only the rows on the pages that are gone.
Where SQLite cannot reach rows at all (an interior page of a table is gone, or the schema),
the file's pages are read directly (:mod:`inspector.ingest.pages`): rows SQLite read come
first, then those found on table pages; events whose session row is lost get a session named
``recovered session N``. (Reading pages directly can bring back rows deleted before the damage
if the free list is gone too.) Inbox rows the store had not processed yet go into a fresh
inbox file, which the next start stores as usual.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.store import DB_NAME, Store, check_header
from inspector.domain.store_schema import (
    AT_COLUMNS,
    EVENT_COLUMNS,
    EVENT_STORED_COLUMNS,
    KEPT_COLUMNS,
    REQUEST_COLUMNS,
    SOURCE_COLUMNS,
)
from inspector.domain.store_write import LAST_EVENT_KEY, LAST_REQUEST_KEY, Txn
from inspector.ingest.inbox import Inbox, _lock, inbox_dir, progress_key
from inspector.ingest.pages import table_rows
from inspector.ingest.records import COLUMNS as INBOX_COLUMNS

_SESSION_COLUMNS = ("id", "name", "created_at", "merge_mode")
_TABLES = {
    "sessions": _SESSION_COLUMNS,
    "requests": REQUEST_COLUMNS,
    "sources": ("source_id", *SOURCE_COLUMNS),
    "lints": ("lint_id", "hash", "lint"),
    "events": EVENT_STORED_COLUMNS,
}
_LINT = EVENT_STORED_COLUMNS.index("lint_id")
# the events table before version 5 (each row with its source's columns): the read order
_OLD_EVENTS = "events (before version 5)"
_SRC = EVENT_COLUMNS.index(SOURCE_COLUMNS[0])  # where its source's columns were
# the events table of versions 5 to 7 (no ``*_at`` columns): the read order
_PRE8_EVENTS = "events (before version 8)"
_PRE8 = tuple(c for c in EVENT_STORED_COLUMNS if c not in AT_COLUMNS.values())
_AT0 = EVENT_STORED_COLUMNS.index("mid_at")
assert EVENT_STORED_COLUMNS[_AT0 : _AT0 + 3] == tuple(AT_COLUMNS.values())
_ID_KEYS = {"message_id": "messageId", "user_id": "userId", "anonymous_id": "anonymousId"}


def _plausible(table: str, row: Sequence[Any]) -> bool:
    """A row decoded from a page is one of ``table``'s if its types are. An event's message
    must be there whole, a JSON object (SQLite reads the part of a row beyond the end of a
    file cut short as zeros; the store reads each event's messageId from its message)."""
    num = int | float
    if table in ("events", _OLD_EVENTS, _PRE8_EVENTS):
        layout = {"events": EVENT_STORED_COLUMNS, _PRE8_EVENTS: _PRE8}.get(table, EVENT_COLUMNS)
        message = row[layout.index("message")]
        return (
            isinstance(row[1], int)
            and isinstance(row[2], int)
            and isinstance(row[3], num)
            and isinstance(message, str)
            and "\x00" not in message
            and _json_object(message)
        )
    if table == "requests":
        return isinstance(row[1], int) and isinstance(row[2], num) and not isinstance(row[3], num)
    if table == "sources":
        return all(v is None or isinstance(v, str) for v in row[1:])
    if table == "lints":
        return isinstance(row[1], int) and isinstance(row[2], str)
    return isinstance(row[1], str) and isinstance(row[2], num)


def _json_object(text: str) -> bool:
    try:
        return isinstance(jsoncodec.loads(text), dict)
    except jsoncodec.JSONDecodeError:
        return False


def _from_pages(path: Path) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Rows found on the file's pages, each with the table its columns fit (a row as wide as
    two tables' goes to the one its values fit)."""
    tables = {**_TABLES, _OLD_EVENTS: EVENT_COLUMNS, _PRE8_EVENTS: _PRE8}
    widths: dict[int, str] = {}
    for t, c in tables.items():
        widths[len(c)] = f"{widths[len(c)]}|{t}" if len(c) in widths else t
    try:
        for names, row in table_rows(path, widths):
            for table in names.split("|"):
                if _plausible(table, row):
                    yield table, tuple(row)
                    break
    except (OSError, ValueError):
        return


def _new_event(txn: Txn, table: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An events row as this version stores it: one of before version 5 with its source a
    row of ``sources`` (its messageId in the place of ``mid_kept``), one of before version 6
    with its findings a row of ``lints``, one of before version 8 without ``*_at`` (what it
    did not keep is read from its message afterwards: :func:`_kept_ids`)."""
    if table == _OLD_EVENTS:
        end = _SRC + len(SOURCE_COLUMNS)
        row = (*row[:_SRC], txn.source_id(tuple(row[_SRC:end])), *row[end:])
    if table != "events":
        row = (*row[:_AT0], None, None, None, *row[_AT0:])
    lint = row[_LINT]
    if isinstance(lint, str):
        row = (*row[:_LINT], txn.lint_id(lint), *row[_LINT + 1 :])
    return row


def _event_tables(old: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """What to read of the damaged store: its events as they are, or as they were before
    version 5 (then without a ``sources`` table), 6 (each messageId kept: read into the
    place of ``mid_kept``, which always holds the right one; findings in each row: read into
    the place of ``lint_id``, then stored as ``lints``) or 7 (each userId and anonymousId
    kept: read into the places of ``uid_kept`` and ``aid_kept``, as the messageId)."""
    try:
        have = {r[1] for r in old.execute("PRAGMA table_info(events)")}
    except sqlite3.DatabaseError:
        have = set()
    kept = {t: c for t, c in _TABLES.items() if t != "lints" or "lint_id" in have}
    if "source_id" not in have and "write_key" in have:
        tables = {t: c for t, c in kept.items() if t not in ("sources", "events")}
        return {**tables, _OLD_EVENTS: EVENT_COLUMNS}
    older = {**{k: c for c, k in KEPT_COLUMNS.items()}, "lint_id": "lint"}
    older.update({at: "NULL" for at in AT_COLUMNS.values()})  # (before version 8)
    events = tuple(older[c] if c in older and c not in have else c for c in EVENT_STORED_COLUMNS)
    return {**kept, "events": events}


def _kept_ids(conn: sqlite3.Connection) -> None:
    """Rows saved from a store of before version 8 (no ``*_at``) keep the messageId, userId
    and anonymousId that they did not (their messages held them)."""
    for col, kept in KEPT_COLUMNS.items():
        conn.execute(
            f"UPDATE events SET {kept} = json_extract(message, '$.{_ID_KEYS[col]}') "
            f"WHERE {kept} IS NULL AND {AT_COLUMNS[col]} IS NULL AND json_valid(message)"
        )


@dataclass
class Repaired:
    """What ``repair`` did to one file."""

    path: Path
    moved_to: Path
    saved: dict[str, int] = field(default_factory=dict)  # table -> rows saved


def damage(path: Path) -> str | None:
    """Why SQLite cannot fully read ``path`` (a full integrity check), or None if it can."""
    try:
        check_header(path)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if found == ["ok"] else "; ".join(found[:3])


def move_aside(path: Path) -> Path:
    """Rename ``path`` and its companions ``<path>.damaged-<time>``; returns the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            src.rename(Path(str(target) + suffix))
    return target


def salvage(
    conn: sqlite3.Connection,
    table: str,
    columns: tuple[str, ...],
    trouble: list[str] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Every row of ``table`` SQLite can read, in rowid order, skipping unreadable pages
    (``trouble`` is told when there were some)."""
    cols = ", ".join(columns)
    try:
        top = conn.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0]
    except sqlite3.DatabaseError:
        top = None
    last, limit, skip = 0, 500, 1
    while True:
        try:
            got = conn.execute(
                f"SELECT rowid, {cols} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, limit),
            ).fetchall()
            rows = [r for r in got if r[0] > last]  # a broken page may point backwards
            if got and not rows:
                raise sqlite3.DatabaseError("rows out of order")
        except sqlite3.DatabaseError as exc:
            if trouble is not None and not trouble:
                trouble.append(str(exc))
            if limit > 1:
                limit = 1  # read up to the bad page one row at a time
                continue
            last += skip  # a page is gone: skip ahead until reading works again
            skip *= 2
            if (top is not None and last > top) or skip > 1 << 40:
                return
            continue
        if not rows:
            return
        prev = last
        for r in rows:
            if r[0] > prev:
                prev = r[0]
                yield r[1:]
        last, limit, skip = prev, 500, 1


@contextlib.contextmanager
def _opened(moved: Path) -> Iterator[sqlite3.Connection | None]:
    """A connection to a working copy of a damaged file (the file aside stays untouched).

    The copy's header is told to size the database from the file itself: SQLite refuses a
    file shorter than its header says, though most of its pages are still there."""
    work = moved.with_name(moved.name + ".salvaging")
    for suffix in ("", "-wal"):
        if Path(str(moved) + suffix).exists():
            shutil.copyfile(Path(str(moved) + suffix), Path(str(work) + suffix))
    try:
        with work.open("r+b") as fh:
            header = bytearray(fh.read(100))
            if len(header) == 100:
                header[92:96] = ((int.from_bytes(header[24:28], "big") + 1) % 2**32).to_bytes(
                    4, "big"
                )
                fh.seek(0)
                fh.write(header)
        conn: sqlite3.Connection | None = sqlite3.connect(work, isolation_level=None)
        try:
            conn.execute("SELECT name FROM sqlite_master").fetchall()  # type: ignore[union-attr]
        except sqlite3.DatabaseError:
            conn.close()  # type: ignore[union-attr]
            conn = None  # not even the schema is readable: nothing to save
        try:
            yield conn
        finally:
            if conn is not None:
                conn.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


def repair_store(data_dir: Path) -> Repaired | None:
    """Move a damaged store aside and save what it still holds into a fresh one; None if
    the store is sound."""
    path = data_dir / DB_NAME
    if not path.exists() or damage(path) is None:
        return None
    moved = move_aside(path)
    out = Repaired(path, moved)
    inserts = {
        table: f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
        for table, columns in _TABLES.items()
    }
    inserts[_OLD_EVENTS] = inserts[_PRE8_EVENTS] = inserts["events"]
    with (
        _opened(moved) as old,
        contextlib.closing(Store(data_dir)) as fresh,
        fresh.writing() as txn,
    ):
        trouble: list[str] = [] if old is not None else ["the schema cannot be read"]
        if old is not None:
            for table, columns in _event_tables(old).items():
                rows = salvage(old, table.split()[0], columns, trouble)
                if table.startswith("events"):
                    rows = (_new_event(txn, table, r) for r in rows if _plausible(table, r))
                txn.conn.executemany(inserts[table], rows)
            for key, value in salvage(old, "meta", ("key", "value")):
                if key.startswith(("inbox:", "seq:", "import:")) or key in (
                    LAST_EVENT_KEY,
                    LAST_REQUEST_KEY,
                ):
                    txn.set_meta(str(key), str(value))
        if trouble:  # SQLite could not reach some pages: read the file's pages instead
            for table, row in _from_pages(moved):  # (what SQLite read is kept first)
                if table.startswith("events"):
                    row = _new_event(txn, table, row)
                txn.conn.execute(inserts[table], row)
        _kept_ids(txn.conn)
        # events whose session row is gone get a session again (named for what it was)
        txn.conn.execute(
            "INSERT INTO sessions (id, name, created_at) "
            "SELECT session_id, 'recovered session ' || session_id, MIN(received_at) "
            "FROM (SELECT session_id, received_at FROM events UNION ALL "
            "SELECT session_id, received_at FROM requests) "
            "WHERE session_id NOT IN (SELECT id FROM sessions) GROUP BY session_id"
        )
        for table in ("sessions", "requests", "events"):
            out.saved[table] = txn.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        txn.bump_epoch()
    return out


def repair_inboxes(data_dir: Path, store: Store) -> list[Repaired]:
    """Move damaged inbox files aside; the rows the store had not processed go into a fresh
    inbox file (stored by the next start)."""
    d = inbox_dir(data_dir)
    out = []
    for path in sorted(d.glob("*.sqlite3")) if d.is_dir() else []:
        fd = _lock(path)
        if fd is None:
            continue  # a running collector's own file
        try:
            why = damage(path)
            if why is None:
                continue
            moved = move_aside(path)
            Path(str(path) + ".lock").unlink(missing_ok=True)
        finally:
            os.close(fd)
        rep = Repaired(path, moved)
        key = progress_key(path)
        done = int(store.meta_value(key) or 0)
        n = 0
        with _opened(moved) as old:
            if old is None:
                store.delete_meta(key)
                rep.saved["inbox"] = 0
                out.append(rep)
                continue
            fresh = Inbox.create(data_dir)
            try:
                have = {r[1] for r in old.execute("PRAGMA table_info(inbox)")}
                cols = tuple(c for c in INBOX_COLUMNS if c in have)
                for got in salvage(old, "inbox", cols):
                    row = dict(zip(cols, got, strict=True))
                    if row["id"] > done:
                        fresh.append(tuple(row.get(c) for c in INBOX_COLUMNS[1:]))
                        n += 1
            finally:
                fresh.close(delete=n == 0)
        store.delete_meta(key)
        rep.saved["inbox"] = n
        out.append(rep)
    return out


class InUse(Exception):
    pass


def running(data_dir: Path) -> bool:
    """Whether a collector or an import works on the data directory now (it holds a lock)."""
    d = inbox_dir(data_dir)
    locks = [*(d.glob("*.sqlite3") if d.is_dir() else []), *data_dir.glob("import-*.lock")]
    for path in locks:
        target = path.with_suffix("") if path.suffix == ".lock" else path
        fd = _lock(target)
        if fd is None:
            return True
        os.close(fd)
    return False


def repair(data_dir: Path) -> tuple[Repaired | None, list[Repaired]]:
    """Repair the store, then the inbox files (their progress is in the store);
    :class:`InUse` if a collector or an import is running on it."""
    if running(data_dir):
        raise InUse(f"a collector or an import is running on {data_dir}; stop it, then repair")
    rep = repair_store(data_dir)
    with contextlib.closing(Store(data_dir)) as store:
        return rep, repair_inboxes(data_dir, store)
