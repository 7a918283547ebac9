"""A long id range counted on two connections (store_twin.py): the same number as one
connection, one state of the store even when a write lands between the two snapshots, a
time budget that stops both halves, and the twin closed with its reader."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.domain import store_twin
from inspector.domain.query import compile_query, ftsindex
from inspector.domain.store import Store
from inspector.domain.store_read import QueryTooSlow
from inspector.testing.events import event

SQL = "SELECT COUNT(*) FROM events WHERE +session_id=? AND id >= ? AND id <= ? AND {}"


def _write(store: Store, sid: int, n: int, word: str = "blue") -> None:
    evs = [
        event({"type": "track", "n": i, "w": word if i % 3 else "red"}, session_id=sid)
        for i in range(n)
    ]
    store.allocate(None, evs)
    store.write([], evs)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Store, int]]:
    s = Store(tmp_path)
    sid = s.open_session("twin").id
    _write(s, sid, 300)
    yield s, sid
    s.close()


def test_two_halves_count_what_one_connection_counts(
    store: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    s, sid = store
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 0)  # a scan of the session's id range
    reader = s.reader()
    cq = compile_query("blue", index=reader)
    one = cq.count(reader, sid)
    ran: list[tuple[int, int]] = []
    real = store_twin._run

    def spy(conn, sql, params, out):  # type: ignore[no-untyped-def]
        ran.append((params[1], params[2]))
        real(conn, sql, params, out)

    monkeypatch.setattr(store_twin, "_run", spy)
    monkeypatch.setattr(store_twin, "SPLIT_ROWS", 10)
    assert cq.count(reader, sid) == one == 200
    assert cq.count(s.read, sid) == one  # the store's shared reader has a twin too
    lo, hi = s.select("SELECT MIN(id), MAX(id) FROM events")[0]
    assert ran and all(lo < a <= b == hi for a, b in ran), ran  # the upper half, on the twin
    reader.close()


def test_a_commit_between_the_two_snapshots_leaves_the_count_to_one_connection(
    store: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's snapshot sees 300 events; a write lands before the twin's begins: the
    twin would see 600, so the reader counts the whole range alone, in its own snapshot."""
    s, sid = store
    monkeypatch.setattr(store_twin, "SPLIT_ROWS", 10)
    reader = s.reader()
    twin = reader._twin
    assert twin is not None
    mark = twin.mark()
    conn = reader.conn
    conn.execute("BEGIN")
    lo, hi = conn.execute("SELECT MIN(id), MAX(id) FROM events").fetchone()
    _write(s, sid, 300)  # lands after the reader's snapshot, before the twin's
    sql = SQL.format("message LIKE '%blue%'")
    got = twin.count(conn, sql, lambda a, b: (sid, a, b), lo, hi + 300, mark)
    conn.execute("COMMIT")
    assert got == 200
    # with no write in between, the same call splits and counts the newer state
    mark = twin.mark()
    conn.execute("BEGIN")
    conn.execute("SELECT 1 FROM events LIMIT 1").fetchall()
    ran: list[int] = []
    real = store_twin._run
    monkeypatch.setattr(store_twin, "_run", lambda *a: (ran.append(1), real(*a)))
    got = twin.count(conn, sql, lambda a, b: (sid, a, b), lo, hi + 300, mark)
    conn.execute("COMMIT")
    assert got == 400 and ran == [1]
    reader.close()


def test_a_time_budget_stops_both_halves(
    store: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    s, sid = store
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 0)
    monkeypatch.setattr(store_twin, "SPLIT_ROWS", 10)
    reader = s.reader()
    cq = compile_query("blue", index=reader)
    with pytest.raises(QueryTooSlow), reader.budget(0):
        cq.count(reader, sid)
    assert cq.count(reader, sid) == 200  # both connections usable again, no budget left
    twin = reader._twin
    assert twin is not None and twin._conn is not None and not twin._conn.in_transaction
    reader.close()
    assert twin._conn is None


def test_a_short_range_is_counted_on_one_connection(
    store: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    s, sid = store
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 0)
    reader = s.reader()
    ran: list[int] = []
    monkeypatch.setattr(store_twin, "_run", lambda *a: ran.append(1))
    assert compile_query("blue", index=reader).count(reader, sid) == 200
    assert ran == []  # 300 events: below SPLIT_ROWS
    reader.close()


def test_the_twin_keeps_to_the_budget_of_its_reader(
    store: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spent budget interrupts the twin's half even when the reader's half finishes."""
    s, sid = store
    monkeypatch.setattr(store_twin, "SPLIT_ROWS", 10)
    reader = s.reader()
    twin = reader._twin
    assert twin is not None
    mark = twin.mark()
    conn = reader.conn
    conn.execute("BEGIN")
    lo, hi = conn.execute("SELECT MIN(id), MAX(id) FROM events").fetchone()
    sql = SQL.format("message LIKE '%blue%'")
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):
        twin.count(conn, sql, lambda a, b: (sid, a, b), lo, hi, mark, lambda: True)
    conn.execute("COMMIT")
    assert twin._conn is not None and not twin._conn.in_transaction
    reader.close()
