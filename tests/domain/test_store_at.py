"""An event's messageId, userId and anonymousId are read out of its message by where the
message's JSON text holds them (version 8: ``mid_at``, ``uid_at``, ``aid_at``), not parsed
with json_extract on every insert; a value the text does not hold character for character
is kept beside it. A store of version 7 is rebuilt once when opened to write (each row as a
new store writes it), read as it is when opened read-only, and salvaged by ``repair``."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from inspector.domain import jsoncodec
from inspector.domain.capture import RawRequest
from inspector.domain.intake import build_events, parse_body
from inspector.domain.query import compile_query
from inspector.domain.store import DB_NAME, Store
from inspector.domain.store_rows import dumps
from inspector.domain.store_schema import SCHEMA_VERSION, at_of
from inspector.domain.store_write import NULL_AS
from inspector.ingest.repair import repair_store

# The events table as version 7 made it (each id read from the message with json_extract).
V7_EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at REAL NOT NULL,
    ts REAL NOT NULL,
    type TEXT, event TEXT, name TEXT,
    uid_kept TEXT, aid_kept TEXT, previous_id TEXT, group_id TEXT,
    mid_kept TEXT,
    message_id TEXT GENERATED ALWAYS AS
        (COALESCE(mid_kept, json_extract(message, '$.messageId'))) VIRTUAL,
    user_id TEXT GENERATED ALWAYS AS
        (COALESCE(uid_kept, json_extract(message, '$.userId'))) VIRTUAL,
    anonymous_id TEXT GENERATED ALWAYS AS
        (COALESCE(aid_kept, json_extract(message, '$.anonymousId'))) VIRTUAL,
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
V7_STORED = (
    "id, session_id, seq, received_at, ts, type, event, name, uid_kept, aid_kept, "
    "previous_id, group_id, mid_kept, generated_mid, source_id, request_id, batch_index, "
    "batch_size, dup, lint_level, lint_id, message, original"
)
# what version 7 kept of each: only what the message does not hold as a plain string
V7_FROM_NEW = V7_STORED
for _col, _kept, _key in (
    ("user_id", "uid_kept", "userId"),
    ("anonymous_id", "aid_kept", "anonymousId"),
    ("message_id", "mid_kept", "messageId"),
):
    V7_FROM_NEW = V7_FROM_NEW.replace(
        _kept,
        f"CASE WHEN json_type(message, '$.{_key}') = 'text' "
        f"AND {_col} = json_extract(message, '$.{_key}') THEN NULL ELSE {_col} END",
    )
LONG = "u" * 300
# ids of every kind: plain, non-ASCII (one beyond the BMP), escaped by JSON, empty, long,
# not strings, with a NUL, and repeated elsewhere in the message
IDS = ["u1", "Zoë-👍-ü", 'q"uote', "back\\slash", "", LONG, 42, None, "nul\x00x", "u1"]
ID_FIELDS = ("messageId", "userId", "anonymousId")
ID_COLUMNS = "SELECT id, mid_kept, mid_at, uid_kept, uid_at, aid_kept, aid_at FROM events"


def _messages() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, v in enumerate(IDS):
        m: dict[str, object] = {"type": "track", "event": f"E{i}", "properties": {"note": "u1"}}
        if isinstance(v, str) and v:
            m["messageId"] = f"m-{v}"
        if v is not None:
            m["userId"] = v
        if i % 2 == 0 and v is not None:
            m["anonymousId"] = f"a-{v}" if isinstance(v, str) else v
        out.append(m)
    return out


def _filled(path):
    store = Store(path)
    sid = store.open_session("s").id
    body = b'{"batch":[' + b",".join(jsoncodec.dumps(m) for m in _messages()) + b"]}"
    raw = RawRequest(session_id=sid, received_at=1.0, method="POST", path="/v1/batch")
    evs = build_events(
        parse_body("batch", body), session_id=sid, received_at=1.0, headers={}, query={}
    )
    store.allocate(raw, evs)
    store.write([raw], evs)
    store.index_all()
    return store, sid, evs


def _answers(store: Store, sid: int) -> dict[str, list[int]]:
    out = {}
    reader = store.reader()
    for q in ("userId:u1", 'userId:"Zoë-👍-ü"', "userId:42", "anonymousId:a-u1", "has:userId"):
        for cq in (compile_query(q), compile_query(q, index=reader)):
            got = [e.id for e in store.events(sid, cq.where, cq.params, limit=None)]
            assert out.setdefault(q, got) == got, q
            assert cq.count(reader, sid) == len(got), q
    return out


def test_where_a_text_holds_a_value():
    text = '{"a":"Zoë-👍","b":"q\\"x","c":""}'
    for value in ("Zoë-👍", "a", '"c":""', ""):
        at = at_of(text, value)
        assert at is not None and text[at >> 8 :][: at & 255] == value
    assert at_of(text, 'q"x') is None  # written escaped
    assert at_of(text, "absent") is None
    assert at_of("x" * 600, "x" * 255) == 255 and at_of("x" * 600, "x" * 256) is None


def test_ids_are_read_out_of_the_message_by_where_they_are(tmp_path):
    store, sid, evs = _filled(tmp_path)
    rows = store.select(f"{ID_COLUMNS} ORDER BY id")
    got = store.select("SELECT message_id, user_id, anonymous_id FROM events ORDER BY id")
    assert got == [
        (e.message_id, *(store_column(e.message.get(k)) for k in ID_FIELDS[1:])) for e in evs
    ]
    for e, row in zip(evs, rows, strict=True):
        text = dumps(e.message)
        for field, kept, at in zip(ID_FIELDS, row[1::2], row[2::2], strict=True):
            v = e.message_id if field == "messageId" else e.message.get(field)
            placed = v is not None and isinstance(v, str) and "\x00" not in v
            placed = placed and v in text and len(v) < 256 and e.message.get(field) == v
            assert (at is not None) == placed, (field, v)
            assert kept is None or at is None
    assert rows[0][4] is not None and rows[1][4] is not None  # "u1", "Zoë-👍-ü"
    assert rows[2][3] == 'q"uote' and rows[5][3] == LONG and rows[6][3] == "42"
    assert rows[4][4] == 0  # the empty userId: anywhere (here, the start) will do
    # a body's 0 and -1 for NULL (store_write.NULL_AS) are stored as NULL
    for col, v in NULL_AS.items():
        wrong = f"SELECT COUNT(*) FROM events WHERE typeof({col}) = 'integer' AND {col} = {v}"
        assert store.select(wrong) == [(0,)], col
    nulls = "SELECT COUNT(*) FROM events WHERE original IS NULL AND name IS NULL"
    assert store.select(nulls + " AND previous_id IS NULL AND group_id IS NULL") == [(len(evs),)]
    # (no anonymousId in 5 messages; 42, the NUL and the quote kept; "a-u1", "a-" placed)
    assert store.select("SELECT COUNT(*) FROM events WHERE aid_at IS NULL") == [(8,)]
    assert store.events(sid, limit=None) == evs
    answers = _answers(store, sid)
    assert answers["userId:u1"] == [evs[0].id, evs[-1].id]
    assert answers['userId:"Zoë-👍-ü"'] == [evs[1].id] and answers["userId:42"] == [evs[6].id]
    store.close()


def store_column(v: object) -> str | None:
    """What a read of ``user_id`` gives for a message's value."""
    return v if v is None or isinstance(v, str) else jsoncodec.dumps_str(v)


def _version_7(tmp_path) -> tuple[int, list, dict]:
    """A store of version 7 holding what a new store holds (and the new one's answers)."""
    store, sid, evs = _filled(tmp_path / "new")
    want = _answers(store, sid)
    store.close()
    new = sqlite3.connect(tmp_path / "new" / DB_NAME)
    (tmp_path / "old").mkdir()
    old = sqlite3.connect(tmp_path / "old" / DB_NAME)
    old.executescript(V7_EVENTS)
    rows = new.execute(f"SELECT {V7_FROM_NEW} FROM events").fetchall()
    old.executemany(f"INSERT INTO events ({V7_STORED}) VALUES ({', '.join('?' * 23)})", rows)
    for table in ("meta", "sessions", "requests", "sources", "lints"):
        (ddl,) = new.execute("SELECT sql FROM sqlite_master WHERE name=?", (table,)).fetchone()
        old.execute(ddl)
        got = new.execute(f"SELECT * FROM {table}").fetchall()
        if got:
            old.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(got[0]))})", got)
    old.execute("UPDATE meta SET value='7' WHERE key='schema_version'")
    old.commit()
    # (userIds held as plain strings, escaped ones among them, and none)
    assert old.execute("SELECT COUNT(*) FROM events WHERE uid_kept IS NULL").fetchone()[0] >= 8
    old.close()
    new.close()
    return sid, evs, want


@pytest.mark.parametrize("how", ["rebuilt", "read-only", "repaired"])
def test_a_version_7_store_answers_the_same(tmp_path, how):
    sid, evs, want = _version_7(tmp_path)
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
        store.index_all()
        if how == "rebuilt":  # each row as a new store writes it
            with contextlib.closing(Store(tmp_path / "new")) as new:
                assert store.select(ID_COLUMNS) == new.select(ID_COLUMNS)
        else:  # repair keeps each id the rows did not place
            assert store.select("SELECT COUNT(*) FROM events WHERE uid_at IS NOT NULL") == [(0,)]
    assert store.events(sid, limit=None) == evs
    assert _answers(store, sid) == want
    more = store.select("SELECT message_id, user_id, anonymous_id FROM events ORDER BY id")
    assert [m[1] for m in more] == [store_column(e.message.get("userId")) for e in evs]
    store.close()
