"""Each event names its source (write key, auth, library, client, user agent): one row of
``sources`` per distinct source, shared by every process; its messageId is read from its
message unless the message does not hold it as it is. Stores of version 4 (those columns in
each event row) and 5 (each messageId kept) are rebuilt when opened to write, read as they
are when opened read-only, and salvaged by ``repair``."""

from __future__ import annotations

import contextlib
import json
import sqlite3

import pytest

from inspector.domain.capture import Finding, RawRequest, Source
from inspector.domain.intake import build_events, parse_body
from inspector.domain.query import compile_query
from inspector.domain.store import DB_NAME, Store
from inspector.domain.store_rows import dumps
from inspector.domain.store_schema import EVENT_COLUMNS, EVENT_JOINS, SCHEMA_VERSION
from inspector.domain.view import loader
from inspector.ingest.repair import repair_store

# The events table as version 4 made it (each row with its source's columns).
V4_EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at REAL NOT NULL,
    ts REAL NOT NULL,
    type TEXT, event TEXT, name TEXT,
    user_id TEXT, anonymous_id TEXT, previous_id TEXT, group_id TEXT,
    message_id TEXT, generated_mid INTEGER NOT NULL DEFAULT 0,
    write_key TEXT, auth TEXT, lib TEXT, lib_version TEXT, client TEXT, user_agent TEXT,
    request_id INTEGER, batch_index INTEGER, batch_size INTEGER,
    dup INTEGER NOT NULL DEFAULT 0,
    lint_level INTEGER NOT NULL DEFAULT 0,
    lint TEXT,
    message TEXT NOT NULL,
    original TEXT
);
CREATE INDEX events_session_seq ON events(session_id, seq);
CREATE INDEX events_q_lib_na ON events(lib) WHERE lib GLOB '*[^ -~]*';
CREATE INDEX events_q_client_na ON events(client) WHERE client GLOB '*[^ -~]*';
"""
SOURCES = [
    Source("KEY_ONE_123", "basic", "analytics-python", "2.3.2", "python/3", "segment-python"),
    Source("KEY_TWO_456", "bearer", "analytics-node", "1.0", "node/20", "segment-node"),
    Source(None, "none", None, None, None, None),
    Source("KEY_ONE_123", "basic", "Ānalytics-ünicode", "9", None, None),
]


def _write(store: Store, session_id: int, source: Source, n: int = 3, at: float = 1.0):
    # the messageIds: none (made up), one of the message's own, one not a string (made up)
    mids = [b"", b',"messageId":"m-%d\\"q"' % at, b',"messageId":7']
    body = b",".join(
        b'{"type":"track","event":"E%d","userId":"u%d","properties":{"n":%d}%s}'
        % (i, i, i, mids[i % 3])
        for i in range(n)
    )
    parsed = parse_body("batch", b'{"batch":[' + body + b"]}")
    raw = RawRequest(session_id=session_id, received_at=at, method="POST", path="/v1/batch")
    evs = build_events(parsed, session_id=session_id, received_at=at, headers={}, query={})
    for ev in evs:
        ev.source = source
        ev.lint = [Finding("W001", "warning", "a finding", "event")]
    store.allocate(raw, evs)
    store.write([raw], evs)
    return evs


def _filled(path) -> tuple[int, list]:
    store = Store(path)
    sid = store.open_session("s").id
    for k, src in enumerate(SOURCES):
        _write(store, sid, src, at=1.0 + k)
    evs = store.events(sid, limit=None)
    store.close()
    return sid, evs


def _as_older(new_dir, old_dir, version: int = 4) -> None:
    """A store of version 4 (or 5) holding what the store in ``new_dir`` holds."""
    new = sqlite3.connect(new_dir / DB_NAME)
    rows = new.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events{EVENT_JOINS}").fetchall()
    old_dir.mkdir()
    old = sqlite3.connect(old_dir / DB_NAME)
    old.executescript(V4_EVENTS)
    old.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", rows)
    if version == 5:  # sources in a table of their own, each messageId kept
        src = "write_key, auth, lib, lib_version, client, user_agent"
        same = " AND ".join(f"s.{c} IS events.{c}" for c in src.split(", "))
        old.executescript(
            "CREATE TABLE sources (source_id INTEGER PRIMARY KEY, write_key TEXT, auth TEXT, "
            "lib TEXT, lib_version TEXT, client TEXT, user_agent TEXT);"
            f"INSERT INTO sources ({src}) SELECT DISTINCT {src} FROM events;"
            "ALTER TABLE events ADD COLUMN source_id INTEGER;"
            f"UPDATE events SET source_id = (SELECT source_id FROM sources s WHERE {same});"
            "DROP INDEX events_q_lib_na; DROP INDEX events_q_client_na;"
        )
        for c in src.split(", "):
            old.execute(f"ALTER TABLE events DROP COLUMN {c}")
    for table in ("meta", "sessions", "requests"):
        (ddl,) = new.execute("SELECT sql FROM sqlite_master WHERE name=?", (table,)).fetchone()
        old.execute(ddl)
        got = new.execute(f"SELECT * FROM {table}").fetchall()
        if got:
            old.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(got[0]))})", got)
    old.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(version),))
    old.commit()
    old.close()
    new.close()


def _answers(store: Store, sid: int) -> dict[str, list[int]]:
    out = {}
    for q in ("lib:analytics-python", "lib:ānalytics-Ünicode", "client:segment-node",
              "writekey:KEY_ONE_123", "-lib:analytics-node", "lib:analytics*", "E1"):  # fmt: skip
        cq = compile_query(q)
        out[q] = [e.id for e in store.events(sid, cq.where, cq.params, limit=None)]
        assert store.count_events(sid, cq.where, cq.params) == len(out[q])
    return out


def test_one_sources_row_per_distinct_source_shared_by_processes(tmp_path):
    sid, evs = _filled(tmp_path)
    assert [e.source for e in evs] == [s for s in SOURCES for _ in range(3)]
    other = Store(tmp_path)  # another process, with nothing in memory
    _write(other, sid, SOURCES[1])
    _write(other, sid, Source("KEY_NEW", "basic", "x", "1", None, None))
    other.close()
    store = Store(tmp_path)
    _write(store, sid, SOURCES[0])
    assert store.select("SELECT COUNT(*) FROM sources")[0][0] == len(SOURCES) + 1
    cols = {r[1] for r in store.select("SELECT * FROM pragma_table_info('events')")}
    assert "source_id" in cols and not cols & {"write_key", "lib", "client", "user_agent"}
    assert [e.source for e in store.events(sid, limit=None)][-9:] == [
        *[SOURCES[1]] * 3,
        *[Source("KEY_NEW", "basic", "x", "1", None, None)] * 3,
        *[SOURCES[0]] * 3,
    ]
    store.close()


def test_a_rolled_back_source_is_not_remembered(tmp_path):
    store = Store(tmp_path)
    sid = store.open_session("s").id
    key = ("K", "basic", "lib", "1", None, None)
    with pytest.raises(RuntimeError), store.writing() as txn:
        txn.source_id(key)
        raise RuntimeError("rolled back")
    assert store.select("SELECT COUNT(*) FROM sources")[0][0] == 0
    _write(store, sid, Source("K", "basic", "lib", "1", None, None))
    (row,) = store.select("SELECT DISTINCT source_id FROM events")
    assert store.select("SELECT write_key FROM sources WHERE source_id=?", row) == [("K",)]
    store.close()


def test_a_messageid_is_kept_only_where_the_message_does_not_hold_it(tmp_path):
    sid, evs = _filled(tmp_path)
    assert [e.generated_message_id for e in evs[:3]] == [True, False, True]
    assert evs[1].message_id == 'm-1"q' == evs[1].message["messageId"]
    store = Store(tmp_path)
    kept = store.select("SELECT id, mid_kept, message_id, generated_mid FROM events")
    # (and its JSON text holds it as it is: else the store could not read it out by where it
    # is, version 8: the JSON text of m-1"q escapes its quote)
    held = [
        e.message_id == e.message.get("messageId") and e.message_id in dumps(e.message) for e in evs
    ]
    assert [(k is None, m, g) for _, k, m, g in kept] == [
        (h, e.message_id, int(e.generated_message_id)) for h, e in zip(held, evs, strict=True)
    ]
    assert held[1] is False
    for e in evs:  # messageId: finds each, made up or not
        cq = compile_query("messageId:" + json.dumps(e.message_id))
        assert [x.id for x in store.events(sid, cq.where, cq.params)] == [e.id]
    # the identity graph's read: the messageId None where the message holds it
    rows = store.identity_rows(sid, 0, 0, 100)
    assert [r[3] for r in rows] == [k for _, k, _, _ in kept]
    store.close()


@pytest.mark.parametrize("version", [4, 5])
def test_an_older_store_is_rebuilt_when_opened_and_answers_the_same(tmp_path, version):
    sid, evs = _filled(tmp_path / "new")
    store = Store(tmp_path / "new")
    want = _answers(store, sid)
    store.close()
    assert want["lib:analytics-python"] and want["lib:ānalytics-Ünicode"]
    assert want["-lib:analytics-node"] and want["writekey:KEY_ONE_123"]
    _as_older(tmp_path / "new", tmp_path / "old", version)

    ro = Store(tmp_path / "old", read_only=True)  # read as it is: nothing migrated
    assert ro.join == ("" if version == 4 else " LEFT JOIN sources USING (source_id)")
    assert ro.events(sid, limit=None) == evs and _answers(ro, sid) == want
    assert [r[3] for r in ro.identity_rows(sid, 0, 0, 100)] == [e.message_id for e in evs]
    # the window's counts of a resumed session, grouped by the findings each row holds
    lint, dups = loader.counts_before(ro.read, sid, (2**62, 2**62))
    assert (lint.events, lint.warnings, lint.by_rule["W001"][:2], dups) == (
        12,
        12,
        ["warning", 12],
        0,
    )
    ro.close()

    store = Store(tmp_path / "old")
    assert store.meta_value("schema_version") == str(SCHEMA_VERSION) == "8"
    assert store.select("SELECT COUNT(*) FROM sources")[0][0] == len(SOURCES)
    # the messageIds the messages hold are no longer kept (but where the message's text
    # escapes them: here each), as a new store keeps them
    ids = "SELECT id, mid_kept, mid_at, uid_kept, uid_at, aid_kept, aid_at FROM events"
    with contextlib.closing(Store(tmp_path / "new")) as new:
        assert store.select(ids) == new.select(ids)
    assert store.select("SELECT COUNT(*) FROM lints")[0][0] == 1  # one list of findings
    assert store.events(sid, limit=None) == evs and _answers(store, sid) == want
    assert loader.counts_before(store.read, sid, (2**62, 2**62))[0].by_rule == lint.by_rule
    indexes = {r[0] for r in store.select("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"events_session_seq", "events_q_te", "events_q_lv"} <= indexes
    assert not indexes & {"events_q_lib_na", "events_q_client_na"}
    more = _write(store, sid, SOURCES[1])  # and it goes on as any store
    assert [e.seq for e in more] == [13, 14, 15] and more[0].id == evs[-1].id + 1
    store.close()
    Store(tmp_path / "old").close()  # opening again changes nothing


def test_repair_salvages_a_damaged_version_4_store_into_sources(tmp_path):
    sid, evs = _filled(tmp_path / "new")
    _as_older(tmp_path / "new", tmp_path / "old")
    db = tmp_path / "old" / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql='x' WHERE name='events_q_lib_na'")
    conn.commit()
    conn.close()
    rep = repair_store(tmp_path / "old")
    assert rep is not None and rep.saved["events"] == len(evs)
    store = Store(tmp_path / "old")
    assert store.events(sid, limit=None) == evs
    assert store.select("SELECT COUNT(*) FROM sources")[0][0] == len(SOURCES)
    store.close()
