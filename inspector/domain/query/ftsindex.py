"""The free-text index: FTS5 trigrams over *blocks* of up to 8 consecutive events.

Trigrams over every event's ~700-byte JSON cost ~120 µs per event at write time (the trigram
tokenizer alone is ~35 µs). Messages in a block repeat most of their text (context, user agent,
keys), so a block's document is the *distinct* ``"``-separated pieces of its events' case
folded JSON, with ``detail=none``: ~6x less to tokenize and ~7x smaller than a document per
event.

A query takes the needle's trigrams that do not contain ``"`` (any such trigram of a match
lies inside one piece, so the lookup is a superset), turns the matching blocks into groups of
event ids and leaves the exact test to the caller's post-filter (``q_contains`` & co.).

Blocks are aligned on groups of 8 ids (``id >> 3``). A row's *key* is ``group << 3 | j``,
and its rowid is the group itself for ``j`` 0, so that consecutive blocks' rowids differ by 1
and FTS5 stores an entry's rowid delta in one byte for a trigram in one block of 128 or more
(rowids ``group << 3`` did so only down to one in 16: ids' trigrams, in a few blocks each,
took two bytes, and the index was 7% larger; ``group << 6 | offset << 3 | count - 1`` took two
for every entry: ~40% larger and slower to write). Blocks of 16 would be smaller still, but a
trigram is then in more of them: ids (``user:``, ``userId:``) stopped finding a rare one, and
were scanned for. A whole group of one session is one row (``j`` 0); a group written in parts
(a session starts in it, or an indexing step ends in it) has a row each, numbered by ``j``,
whose ids :data:`PARTS` records by key; the rows of parts after the first have rowids of their
own above :data:`PART_BASE` (:func:`fts_rowid`). A lookup takes every id of a matching row's
group (a superset: the session test and the exact post-filter decide). The index lives in a
file of its own (:mod:`inspector.domain.query.indexer`), with its progress marks and the
:data:`LAYOUT` it was written in (a file of another layout is filled again).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

BITS = 3
BLOCK = 1 << BITS  # events a block holds at most
_LOW = BLOCK - 1
#: the rows of a group's parts after the first: ``PART_BASE + key`` (:func:`fts_rowid`)
PART_BASE = 1 << 56
#: how rows are numbered (kept in the index file's progress table: :mod:`~.indexer`). FTS5's
#: per-row sizes (0.2% of the data directory) stay: without them (``columnsize=0``) a
#: contentless table cannot list its rowids, which forgetting a session needs (:func:`spans`)
LAYOUT = "2"
LAYOUT_KEY = "fts_layout"
TABLE = "events_fts"
PARTS = "events_fts_parts"  # rows of a group written in parts (by key): first id and count
SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
    body, content='', tokenize='trigram case_sensitive 1', detail=none);
CREATE TABLE IF NOT EXISTS {PARTS} (
    rowid INTEGER PRIMARY KEY, first INTEGER NOT NULL, count INTEGER NOT NULL);
"""
INSERT = f"INSERT INTO {TABLE} (rowid, body) VALUES (?, ?)"
_DELETE = f"INSERT INTO {TABLE} ({TABLE}, rowid, body) VALUES ('delete', ?, ?)"


def fts_rowid(key: int) -> int:
    """The index row of key ``group << 3 | j``: the group for ``j`` 0, else above
    :data:`PART_BASE`."""
    return key >> BITS if not key & _LOW else PART_BASE + key


def _key(rowid: int) -> int:
    return rowid << BITS if rowid < PART_BASE else rowid - PART_BASE


def fts_doc(messages: Iterable[str]) -> str:
    """The indexed text of a block of stored message JSON texts: each distinct ``"``-separated
    piece of their case-folded text, in the order first seen (what deleting a block gives
    again). The texts are joined by ``"`` and folded and split once: the same pieces in the
    same order as message by message (``"`` folds to itself, and case folding looks at one
    character at a time), in 5.3 µs an event instead of 7.1."""
    return "\n".join(dict.fromkeys('"'.join(messages).casefold().split('"')))


def fts_blocks(
    rows: Sequence[tuple[Any, ...]], id_at: int, session_at: int, message_at: int
) -> list[tuple[int, int, str]]:
    """(first id, count, document) for event rows: consecutive ids of one session and group."""
    out: list[tuple[int, int, str]] = []
    block: list[tuple[Any, ...]] = []
    for r in sorted(rows, key=lambda r: r[id_at]):
        if block and (
            r[id_at] >> BITS != block[0][id_at] >> BITS
            or r[session_at] != block[0][session_at]
            or r[id_at] != block[-1][id_at] + 1
        ):
            out.append(_block(block, id_at, message_at))
            block = []
        block.append(r)
    if block:
        out.append(_block(block, id_at, message_at))
    return out


def _block(block: list[tuple[Any, ...]], id_at: int, message_at: int) -> tuple[int, int, str]:
    return block[0][id_at], len(block), fts_doc(r[message_at] for r in block)


def add_blocks(conn: sqlite3.Connection, blocks: Sequence[tuple[int, int, str]]) -> None:
    """Insert blocks (from :func:`fts_blocks`) inside the caller's write transaction."""
    rows: list[tuple[int, str]] = []
    parts: list[tuple[int, int, int]] = []
    for first, count, doc in blocks:
        group = first >> BITS << BITS
        if count == BLOCK:  # a whole group: no other row can hold its ids
            rows.append((fts_rowid(group), doc))
            continue
        used = [p[0] for p in parts if group <= p[0] <= group | _LOW]
        stored = conn.execute(
            f"SELECT MAX(rowid) FROM {PARTS} WHERE rowid BETWEEN ? AND ?", (group, group | _LOW)
        ).fetchone()[0]
        if stored is not None:
            used.append(stored)
        key = max(used) + 1 if used else group
        if key > group | _LOW:  # cannot be: a group has at most BLOCK ids
            raise ValueError(f"too many parts for ids {group}..{group | _LOW}")
        rows.append((fts_rowid(key), doc))
        parts.append((key, first, count))
    conn.executemany(INSERT, rows)
    conn.executemany(f"INSERT INTO {PARTS} (rowid, first, count) VALUES (?, ?, ?)", parts)


def spans(conn: sqlite3.Connection, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """(key, first id, count) of the index rows for ids ``lo..hi`` (whole groups)."""
    start, end = lo >> BITS << BITS, hi >> BITS << BITS | _LOW
    parts = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            f"SELECT rowid, first, count FROM {PARTS} WHERE rowid BETWEEN ? AND ?", (start, end)
        )
    }
    out = []
    for (rowid,) in conn.execute(
        f"SELECT rowid FROM {TABLE} WHERE rowid BETWEEN ? AND ? OR rowid BETWEEN ? AND ?",
        (start >> BITS, end >> BITS, PART_BASE + start, PART_BASE + end),
    ).fetchall():
        key = _key(rowid)
        first, count = parts.get(key, (key, BLOCK))
        out.append((key, first, count))
    return sorted(out)


def trigrams(needle: str) -> list[str]:
    """The needle's distinct trigrams usable for a lookup (none with a double quote)."""
    grams = dict.fromkeys(needle[i : i + 3] for i in range(len(needle) - 2))
    return [g for g in grams if '"' not in g]


# Events are indexed after they are stored, by an indexer of their own (query/indexer.py):
# every id up to the progress mark 'fts_upto' is indexed, later ones are candidates by definition.
PROGRESS_KEY = "fts_upto"
PROGRESS_SQL = f"(SELECT COALESCE(MAX(value), 0) FROM index_progress WHERE key='{PROGRESS_KEY}')"
_OFFSETS = "[" + ",".join(str(i) for i in range(BLOCK)) + "]"


def candidates_sql() -> str:
    """A superset test for events in blocks matching an FTS expression (one ``?``).

    ``id IN (…)`` names the events of each matching block (its rowid says which), so a query
    whose candidates are few is driven from them (a rowid lookup each); a page that walks the
    session in order (``INDEXED BY``) probes the same set instead. Events not yet indexed
    (ids above the progress mark) are candidates by definition."""
    return (
        f"(id > {PROGRESS_SQL} OR id IN (SELECT "
        f"((CASE WHEN {TABLE}.rowid < {PART_BASE} THEN {TABLE}.rowid "
        f"ELSE ({TABLE}.rowid - {PART_BASE}) >> {BITS} END) << {BITS}) + k.value "
        f"FROM {TABLE}, json_each('{_OFFSETS}') AS k WHERE {TABLE} MATCH ?))"
    )


#: a trigram in fewer blocks than this is "rare": a few of them find the candidates fast (a
#: rowid lookup each), where a needle with only more common trigrams is cheaper to scan for
RARE_BLOCKS = 20_000
#: rare trigrams looked up per needle (more only narrow what the exact test decides anyway)
GRAMS_PER_NEEDLE = 3
#: ``docs(gram, cap)``: in how many blocks ``gram`` is, counted up to ``cap``
Docs = Callable[[str, int], int]


def count_docs(conn: sqlite3.Connection, gram: str, cap: int) -> int:
    """Blocks holding ``gram``, counted up to ``cap`` (reads at most ``cap`` index entries)."""
    row = conn.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH ? LIMIT ?)",
        ('"' + gram.replace('"', '""') + '"', cap),
    ).fetchone()
    return int(row[0])


def match_expr(needles: Iterable[str], docs: Docs | None = None) -> str | None:
    """An FTS5 expression requiring usable trigrams of every needle (None: no lookup).

    Without ``docs``, every trigram. With it, each needle's rarest few, and None when every
    trigram of every needle is common: then the index cannot narrow much, and a walk with the
    exact test is cheaper than reading long lists of blocks."""
    grams: dict[str, None] = {}
    rare = docs is None
    for n in needles:
        ts = trigrams(n)
        if docs is not None and ts:
            counted = sorted((docs(t, RARE_BLOCKS), t) for t in ts)
            if counted[0][0] < RARE_BLOCKS:
                rare = True
                ts = [t for c, t in counted[:GRAMS_PER_NEEDLE] if c < RARE_BLOCKS]
            else:
                ts = []
        grams.update(dict.fromkeys(ts))
    if not grams or not rare:
        return None
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def forget_session(conn: sqlite3.Connection, session_id: int) -> None:
    """Remove a session's blocks from the index (inside the caller's transaction, on a
    connection that has the index attached, before the session's events go)."""
    if conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM events WHERE session_id<>?)", (session_id,)
    ).fetchone()[0]:
        conn.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
        conn.execute(f"DELETE FROM {PARTS}")
        return
    lo, hi = conn.execute(
        "SELECT MIN(id), MAX(id) FROM events WHERE session_id=?", (session_id,)
    ).fetchone()
    if lo is None:
        return
    for key, first, count in spans(conn, lo, hi):
        rows = conn.execute(
            "SELECT session_id, message FROM events WHERE id BETWEEN ? AND ? ORDER BY id",
            (first, first + count - 1),
        ).fetchall()
        if rows and rows[0][0] == session_id:
            conn.execute(f"DELETE FROM {PARTS} WHERE rowid = ?", (key,))
            conn.execute(_DELETE, (fts_rowid(key), fts_doc(m for _, m in rows)))
