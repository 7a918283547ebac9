"""The free-text index follows the store: blocks, clear, delete_session, id reuse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from inspector.domain.capture import CapturedEvent
from inspector.domain.query import parse
from inspector.domain.query.ftsindex import (
    BLOCK,
    SCHEMA,
    add_blocks,
    fts_blocks,
    fts_doc,
    match_expr,
    trigrams,
)
from inspector.domain.query.ftsindex import spans as spans_of
from inspector.domain.query.indexer import INDEX_NAME
from inspector.domain.store import Store
from inspector.testing.events import event


def _evs(sid: int, words: list[str]) -> list[CapturedEvent]:
    return [
        event(
            {"type": "track", "event": w, "userId": f"user-{w}"},
            session_id=sid,
            message_id=f"m-{w}",
        )
        for w in words
    ]


def _count(store: Store, sid: int, text: str) -> int:
    where, params = parse(text).to_sql()
    return store.count_events(sid, where, params)


def test_blocks_are_consecutive_ids_of_one_session() -> None:
    rows = [
        (i, 1 if i < 12 else 2, f'{{"n":"{i}"}}')
        for i in [3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 13, 20, *range(24, 32)]
    ]
    blocks = fts_blocks(rows, 0, 1, 2)
    spans = [(first, n) for first, n, _ in blocks]
    assert spans == [(1, 7), (8, 3), (12, 2), (20, 1), (24, 8)]
    assert all(n <= BLOCK for _, n in spans)
    assert fts_doc(['{"a":"Zoë"}', '{"a":"x"}']) == "{\na\n:\nzoë\n}\nx"
    assert trigrams('ab"cd') == []
    assert match_expr(["ab"]) is None


# quotes, escapes and characters whose case folding changes their length
_FOLDY = st.sampled_from([*'"aAßΣσςİﬁKſ\\ x{}:,', "\u0130", "\u1e9e", "\U00010400"])


@given(st.lists(st.text(_FOLDY, max_size=14), min_size=1, max_size=8))
def test_a_blocks_document_is_its_messages_pieces_in_order(messages: list[str]) -> None:
    """Folded and split once for the whole block: the same document as message by message
    (deleting a block from the contentless index needs exactly the text it was added with)."""
    seen: dict[str, None] = {}
    for m in messages:
        seen.update(dict.fromkeys(m.casefold().split('"')))
    assert fts_doc(messages) == "\n".join(seen)


def test_a_group_written_in_parts_has_a_row_a_part(tmp_path: Path) -> None:
    """A whole group is one row (its rowid is the group's first id); a group written in parts
    has a row each, and the parts table says which ids each holds."""
    conn = sqlite3.connect(tmp_path / "ix.sqlite3")
    conn.executescript(SCHEMA)
    add_blocks(conn, [(8, 8, "a"), (16, 3, "b"), (20, 2, "c")])
    add_blocks(conn, [(19, 1, "d")])
    assert spans_of(conn, 0, 23) == [(8, 8, 8), (16, 16, 3), (17, 20, 2), (18, 19, 1)]
    conn.close()


def test_clear_and_delete_keep_the_index_exact(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.open_session("a").id
    b = store.open_session("b").id
    for sid, words in ((a, ["alpha", "beta"]), (b, ["gamma", "alphabet"]), (a, ["delta"])):
        evs = _evs(sid, words)
        store.allocate(None, evs)
        store.write([], evs)
    assert _count(store, a, "alpha") == 1  # found before indexing: unindexed ids are candidates
    store.index_all()
    assert _count(store, a, "alpha") == 1
    assert _count(store, b, "alpha") == 1
    assert _count(store, a, "user:user-delta") == 1
    store.clear(a)
    assert _count(store, a, "alpha") == 0
    assert _count(store, b, "alphabet") == 1
    n_blocks = store._scalar("SELECT COUNT(*) FROM events_fts")
    assert n_blocks == 1  # a's two blocks are gone, b's stays
    store.delete_session("b")
    assert store._scalar("SELECT COUNT(*) FROM events_fts") == 0
    store.close()
    # ids are reused after a reopen: stale index rows would surface as false candidates
    store = Store(tmp_path)
    c = store.open_session("c").id
    evs = _evs(c, ["omega"])
    store.allocate(None, evs)
    store.write([], evs)
    assert _count(store, c, "omega") == 1
    assert _count(store, c, "alpha") == 0
    assert store._scalar("PRAGMA integrity_check") == "ok"
    store.index_all()
    with sqlite3.connect(tmp_path / INDEX_NAME) as index:  # the contentless deletes were exact
        index.execute("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')")
    store.close()


def test_indexing_is_deferred_and_answers_never_change(tmp_path: Path) -> None:
    store = Store(tmp_path)
    sid = store.open_session("s").id
    words = [f"word{i:03d}" for i in range(40)]
    evs = _evs(sid, words)
    store.allocate(None, evs)
    store.write([], evs)
    assert store._scalar("SELECT COUNT(*) FROM events_fts") == 0  # nothing on the write path
    before = [_count(store, sid, w) for w in ("word007", "word039", "nothing")]
    assert store.index_pending(16) == 16  # a partial index: some ids indexed, the rest not
    partial = [_count(store, sid, w) for w in ("word007", "word039", "nothing")]
    store.index_all()
    assert store.index_pending() == 0
    after = [_count(store, sid, w) for w in ("word007", "word039", "nothing")]
    assert before == partial == after == [1, 1, 0]


def test_plans_use_the_indexes(tmp_path: Path) -> None:
    store = Store(tmp_path)

    def plan(text: str) -> str:
        where, params = parse(text).to_sql()
        # (as counts run: with the joins the query reads, findings from lints)
        rows = store._rows("EXPLAIN QUERY PLAN " + store.read.count_sql(where), (1, *params))
        return " | ".join(r[3] for r in rows)

    assert "COVERING INDEX events_q_te " in plan('type:track event:"Order Completed"')
    assert "events_q_type_na" in plan("type:track")
    assert "events_q_ev " in plan('event:"Order Completed"')
    assert "COVERING INDEX events_q_lv " in plan("lint:error")
    # counts of these shapes read an index alone, never the rows (the index holds the lint
    # level, or the findings): SQLite would rather drive from the lint index and read rows
    assert "COVERING INDEX events_q_te " in plan('type:track -event:"Order Completed" -lint:none')
    assert "COVERING INDEX events_q_te " in plan("type:track lint:>=warning")
    assert "COVERING INDEX events_q_ev " in plan('event:"Order Completed" lint:none')
    assert "COVERING INDEX events_q_lv " in plan("rule:revenue-string")
    assert "events_fts" in plan("someone@example.com")
    store.close()


def test_an_index_file_of_another_store_starts_over(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.open_session("a").id
    evs = _evs(a, [f"w{i:02d}xyz" for i in range(20)])
    store.allocate(None, evs)
    store.write([], evs)
    store.index_all()
    assert store.indexer.progress() == (evs[-1].id, evs[-1].id)
    store.close()
    (tmp_path / "inspector.sqlite3").rename(tmp_path / "kept.sqlite3")
    other = Store(tmp_path)  # a new store file beside the old index file
    b = other.open_session("b").id
    evs = _evs(b, ["w07xyz"])
    other.allocate(None, evs)
    other.write([], evs)
    assert other.indexer.progress() == (0, 0)  # not the other store's blocks
    assert _count(other, b, "w07xyz") == 1
    other.index_all()
    assert _count(other, b, "w07xyz") == 1
    other.close()


def test_a_damaged_index_file_is_made_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.open_session("a").id
    evs = _evs(a, ["alpha", "beta"])
    store.allocate(None, evs)
    store.write([], evs)
    store.index_all()
    store.close()
    for f in tmp_path.glob(INDEX_NAME + "-*"):
        f.unlink()
    (tmp_path / INDEX_NAME).write_bytes(b"not a database at all" * 100)
    store = Store(tmp_path)
    assert store.indexer.progress() == (0, 0)
    assert _count(store, a, "alpha") == 1
    store.index_all()
    assert _count(store, a, "alpha") == 1
    store.close()


def test_an_older_store_loses_its_index_tables(tmp_path: Path) -> None:
    """Before v4 the index tables were in the store file: they go on the first open."""
    store = Store(tmp_path)
    a = store.open_session("a").id
    evs = _evs(a, ["alpha"])
    store.allocate(None, evs)
    store.write([], evs)
    store.close()
    with sqlite3.connect(tmp_path / "inspector.sqlite3") as old:
        old.execute("CREATE VIRTUAL TABLE events_fts USING fts5(body)")
        old.execute("CREATE TABLE events_num (x)")
        old.execute("INSERT INTO meta VALUES ('fts_upto', '99')")
    store = Store(tmp_path)
    assert store._scalar("SELECT COUNT(*) FROM main.sqlite_master WHERE name LIKE 'events_%'")
    names = {r[0] for r in store.select("SELECT name FROM main.sqlite_master")}
    assert "events_fts" not in names and "events_num" not in names
    assert store.meta_value("fts_upto") is None
    assert _count(store, a, "alpha") == 1
    store.close()
