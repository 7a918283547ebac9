"""The free-text index numbers a whole group's row by the group (consecutive rows differ by 1),
a later part's above ``PART_BASE``; an index file written in the layout before (rowids
``group << 3``, no layout mark) is never read as this one: a read-only store treats it as
empty (every event a candidate), a store opened to write fills it again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inspector.domain.capture import CapturedEvent
from inspector.domain.query import compile_query, indexer
from inspector.domain.query.ftsindex import (
    BITS,
    LAYOUT,
    LAYOUT_KEY,
    PART_BASE,
    PARTS,
    PROGRESS_KEY,
    TABLE,
    add_blocks,
    fts_blocks,
    fts_rowid,
)
from inspector.domain.store import DB_NAME, Store
from inspector.testing.events import event


def _evs(sid: int, n: int, start: int = 0) -> list[CapturedEvent]:
    return [
        event(
            {"type": "track", "event": f"word{i:04d}x", "userId": f"u-{i}"},
            session_id=sid,
            message_id=f"m-{i}",
        )
        for i in range(start, start + n)
    ]


def _count(store: Store, sid: int, text: str) -> int:
    reader = store.reader()
    return compile_query(text, index=reader).count(reader, sid)


def _filled(path: Path) -> int:
    store = Store(path)
    sid = store.open_session("s").id
    evs = _evs(sid, 100)
    store.allocate(None, evs)
    store.write([], evs)
    store.index_all()
    store.close()
    return sid


def test_whole_groups_are_numbered_by_the_group_and_parts_above_the_base(tmp_path):
    conn = sqlite3.connect(tmp_path / "ix.sqlite3")
    conn.executescript(indexer.SCHEMA)
    add_blocks(conn, [(8, 8, "a"), (16, 8, "b"), (24, 3, "c"), (27, 2, "d")])
    rowids = [r[0] for r in conn.execute(f"SELECT rowid FROM {TABLE} ORDER BY rowid")]
    assert rowids == [1, 2, 3, PART_BASE + 25]
    assert fts_rowid(24) == 3 and fts_rowid(25) == PART_BASE + 25
    conn.close()


def test_an_index_file_of_the_older_layout_is_not_read_as_this_one(tmp_path):
    sid = _filled(tmp_path)
    # the file as the version before wrote it: rowids group << 3, no layout mark
    ix = sqlite3.connect(indexer.index_file(tmp_path / DB_NAME), isolation_level=None)
    src = sqlite3.connect(tmp_path / DB_NAME)
    rows = src.execute("SELECT id, session_id, message FROM events ORDER BY id").fetchall()
    src.close()
    ix.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
    ix.execute(f"DELETE FROM {PARTS}")
    for first, count, doc in fts_blocks(rows, 0, 1, 2):
        ix.execute(f"INSERT INTO {TABLE} (rowid, body) VALUES (?, ?)", (first >> BITS << BITS, doc))
        if count < 1 << BITS:
            ix.execute(
                f"INSERT INTO {PARTS} VALUES (?, ?, ?)", (first >> BITS << BITS, first, count)
            )
    ix.execute("DELETE FROM index_progress WHERE key=?", (LAYOUT_KEY,))
    ix.close()

    ro = Store(tmp_path, read_only=True)
    for i in (0, 7, 8, 55, 99):
        assert _count(ro, sid, f"word{i:04d}x") == 1, i
    assert _count(ro, sid, "word00") == 100
    ro.close()

    store = Store(tmp_path)  # opened to write: the free text is filled again
    marks = dict(store.select("SELECT key, value FROM index_progress"))
    assert marks[LAYOUT_KEY] == LAYOUT and PROGRESS_KEY not in marks
    store.index_all()
    for i in (0, 7, 8, 55, 99):
        assert _count(store, sid, f"word{i:04d}x") == 1, i
    more = _evs(sid, 5, start=100)
    store.allocate(None, more)
    store.write([], more)
    store.index_all()
    assert _count(store, sid, "word0102x") == 1
    assert _count(store, sid, "word0") == 105
    store.close()
