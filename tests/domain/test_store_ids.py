"""An event's userId and anonymousId are read from its message (virtual columns): the store
keeps one beside the message only where the message does not hold it as a plain string, and
every read and query answers as when each row held its own. A store of version 6 (each row
with both) is rebuilt once when opened to write, read as it is when opened read-only, and
salvaged by ``repair``."""

from __future__ import annotations

import sqlite3

import pytest

from inspector.domain import jsoncodec
from inspector.domain.capture import RawRequest
from inspector.domain.intake import build_events, parse_body
from inspector.domain.query import compile_query
from inspector.domain.store import DB_NAME, Store
from inspector.domain.store_rows import dumps
from inspector.domain.store_schema import SCHEMA_VERSION
from inspector.ingest.repair import repair_store

# The events table as version 6 made it (userId and anonymousId in each row).
V6_EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at REAL NOT NULL,
    ts REAL NOT NULL,
    type TEXT, event TEXT, name TEXT,
    user_id TEXT, anonymous_id TEXT, previous_id TEXT, group_id TEXT,
    mid_kept TEXT,
    message_id TEXT GENERATED ALWAYS AS
        (COALESCE(mid_kept, json_extract(message, '$.messageId'))) VIRTUAL,
    generated_mid INTEGER NOT NULL DEFAULT 0,
    source_id INTEGER,
    request_id INTEGER, batch_index INTEGER, batch_size INTEGER,
    dup INTEGER NOT NULL DEFAULT 0,
    lint_level INTEGER NOT NULL DEFAULT 0,
    lint_id INTEGER,
    message TEXT NOT NULL,
    original TEXT
);
CREATE INDEX events_session_seq ON events(session_id, seq);
"""
V6_STORED = (
    "id, session_id, seq, received_at, ts, type, event, name, user_id, anonymous_id, "
    "previous_id, group_id, mid_kept, generated_mid, source_id, request_id, batch_index, "
    "batch_size, dup, lint_level, lint_id, message, original"
)
# userIds and anonymousIds of every kind: plain strings (not kept), and what a message holds
# otherwise (kept): numbers, booleans, objects, a string SQLite's JSON reads differently
IDS = ["u1", 42, 1e20, True, {"a": [1, "x"]}, "nul\x00in it", 'Zoë "q" \\ \n', "", None, 2**70]
QUERIES = (
    "userId:u1", "userId:42", "userId:true", "userId:u*", "userId:Zoë*",
    "anonymousId:42", "anonymousId:a-u1", "-userId:u1", "user:u1", "user:42", "u1",
    "has:userId", "-has:anonymousId", "userId:/^u/",
)  # fmt: skip


def _messages() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, uid in enumerate(IDS):
        m: dict[str, object] = {"type": "track", "event": f"E{i}", "messageId": f"m{i}"}
        if uid is not None:
            m["userId"] = uid
        aid = f"a-{uid}" if isinstance(uid, str) else uid
        if i % 3 != 2 and aid is not None:
            m["anonymousId"] = aid
        out.append(m)
    out.append({"type": "identify", "userId": "u1", "traits": {"n": 1}})
    return out


def _filled(path, at: float = 1.0):
    store = Store(path)
    sid = store.open_session("s").id
    body = b'{"batch":[' + b",".join(jsoncodec.dumps(m) for m in _messages()) + b"]}"
    parsed = parse_body("batch", body)
    raw = RawRequest(session_id=sid, received_at=at, method="POST", path="/v1/batch")
    evs = build_events(parsed, session_id=sid, received_at=at, headers={}, query={})
    store.allocate(raw, evs)
    store.write([raw], evs)
    store.index_all()
    return store, sid, evs


def _answers(store: Store, sid: int) -> dict[str, list[int]]:
    out = {}
    reader = store.reader()
    for q in QUERIES:
        for cq in (compile_query(q), compile_query(q, index=reader)):  # (and the indexes)
            got = [e.id for e in store.events(sid, cq.where, cq.params, limit=None)]
            assert out.setdefault(q, got) == got, q
            assert cq.count(reader, sid) == len(got), q
    return out


def test_an_id_is_kept_only_where_the_message_does_not_hold_it_as_a_plain_string(tmp_path):
    store, sid, evs = _filled(tmp_path)
    rows = store.select("SELECT uid_kept, aid_kept, user_id, anonymous_id FROM events ORDER BY id")

    def column(v: object) -> str | None:  # what each row held before (version 6)
        return v if v is None or isinstance(v, str) else jsoncodec.dumps_str(v)

    assert [(r[2], r[3]) for r in rows] == [
        (column(e.message.get("userId")), column(e.message.get("anonymousId"))) for e in evs
    ]
    plain = [  # (and, since version 8, written as it is in the message's JSON text)
        e.message.get("userId") is None
        or (isinstance(e.message["userId"], str) and e.message["userId"] in dumps(e.message))
        for e in evs
    ]
    assert [r[0] is None for r in rows] == plain
    assert plain[6] is False and rows[6][0] == 'Zoë "q" \\ \n'  # (JSON escapes it)
    assert rows[1][:3] == ("42", "42", "42") and rows[5][0] == "nul\x00in it"
    assert rows[4][0] == '{"a":[1,"x"]}' and rows[3][0] == "true"
    assert store.events(sid, limit=None) == evs
    answers = _answers(store, sid)
    assert answers["userId:u1"] == [evs[0].id, evs[-1].id]
    assert answers["userId:42"] == [evs[1].id] and answers["anonymousId:42"] == [evs[1].id]
    assert answers["userId:true"] == [evs[3].id]
    assert answers["userId:Zoë*"] == [evs[6].id]
    assert len(answers["-userId:u1"]) == len(evs) - 2
    store.close()


@pytest.mark.parametrize("how", ["rebuilt", "read-only", "repaired"])
def test_a_version_6_store_answers_the_same(tmp_path, how):
    store, sid, evs = _filled(tmp_path / "new")
    want = _answers(store, sid)
    store.close()
    new = sqlite3.connect(tmp_path / "new" / DB_NAME)
    (tmp_path / "old").mkdir()
    old = sqlite3.connect(tmp_path / "old" / DB_NAME)
    old.executescript(V6_EVENTS)
    rows = new.execute(f"SELECT {V6_STORED} FROM events").fetchall()
    old.executemany(f"INSERT INTO events ({V6_STORED}) VALUES ({', '.join('?' * 23)})", rows)
    for table in ("meta", "sessions", "requests", "sources", "lints"):
        (ddl,) = new.execute("SELECT sql FROM sqlite_master WHERE name=?", (table,)).fetchone()
        old.execute(ddl)
        got = new.execute(f"SELECT * FROM {table}").fetchall()
        if got:
            old.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(got[0]))})", got)
    old.execute("UPDATE meta SET value='6' WHERE key='schema_version'")
    old.commit()
    old.close()
    new.close()
    if how == "read-only":
        store = Store(tmp_path / "old", read_only=True)
    else:
        if how == "repaired":
            conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
            conn.execute("PRAGMA writable_schema=ON")
            conn.execute("UPDATE sqlite_master SET sql='x' WHERE name='events_session_seq'")
            conn.commit()
            conn.close()
            rep = repair_store(tmp_path / "old")
            assert rep is not None and rep.saved["events"] == len(evs)
        store = Store(tmp_path / "old")
        assert store.meta_value("schema_version") == str(SCHEMA_VERSION) == "8"
        kept = store.select("SELECT COUNT(*) FROM events WHERE uid_kept IS NOT NULL")[0][0]
        assert kept == (7 if how == "rebuilt" else 10)  # repair keeps what the rows held
        store.index_all()
    assert store.events(sid, limit=None) == evs
    assert _answers(store, sid) == want
    store.close()
