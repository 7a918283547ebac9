"""Requests in the store: a store from before version 2 is migrated in place; bodies shown."""

from __future__ import annotations

import gzip
import sqlite3
import zlib

from inspector.domain.request_body import describe, hex_dump, inflate_partial
from inspector.domain.requests_read import list_requests, request_detail
from inspector.domain.store import DB_NAME, Store
from inspector.domain.store_schema import SCHEMA_VERSION
from inspector.ingest.inbox import Inbox
from inspector.ingest.records import COLUMNS, record

V1_REQUESTS = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE sessions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL, merge_mode TEXT NOT NULL DEFAULT 'default');
INSERT INTO sessions VALUES (1, 'old', 1700000000, 'default');
CREATE TABLE requests (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL,
    received_at REAL NOT NULL, method TEXT, path TEXT, query TEXT, headers TEXT,
    content_type TEXT, content_encoding TEXT, size INTEGER, body BLOB, status INTEGER,
    error_code TEXT, error TEXT, rejected INTEGER NOT NULL DEFAULT 0, fault TEXT,
    event_count INTEGER NOT NULL DEFAULT 0);
INSERT INTO requests VALUES (1, 1, 1700000001, 'POST', '/v1/batch', '', '{}',
    'application/json', '', 13, X'7B226261746368223A5B5D7D', 200, NULL, NULL, 0, NULL, 0);
"""


def test_a_version_1_store_gets_the_new_columns(tmp_path):
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.executescript(V1_REQUESTS)
    conn.close()
    store = Store(tmp_path)
    cols = {r[1] for r in store.select("SELECT * FROM pragma_table_info('requests')")}
    assert {"client", "duration_ms", "answer", "upstream", "auth", "write_key"} <= cols
    assert store.meta_value("schema_version") == str(SCHEMA_VERSION)
    (old,) = list_requests(store, 1)
    assert (old.id, old.path, old.duration_ms, old.answer, old.client) == (
        1,
        "/v1/batch",
        None,
        None,
        None,
    )
    detail = request_detail(store, 1)
    assert detail is not None and detail["body"]["decoded"]["kind"] == "json"
    store.close()
    Store(tmp_path).close()  # opening again is a no-op


def test_an_inbox_file_from_before_gets_the_new_columns(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id INTEGER NOT NULL,"
        " received_at REAL NOT NULL, route TEXT NOT NULL, method TEXT, path TEXT, query TEXT,"
        " headers TEXT, content_type TEXT, content_encoding TEXT, size INTEGER, body BLOB,"
        " status INTEGER NOT NULL, error_code TEXT, error TEXT, rejected INTEGER NOT NULL,"
        " fault TEXT, event_count INTEGER NOT NULL)"
    )
    conn.execute(
        "INSERT INTO inbox (session_id, received_at, route, method, path, query, headers,"
        " content_type, content_encoding, size, body, status, rejected, event_count)"
        " VALUES (1, 1.0, 'track', 'POST', '/v1/track', '', '{}', '', '', 2, '{}', 200, 0, 0)"
    )
    conn.commit()
    conn.close()
    inbox = Inbox(path, owner=True)
    (row,) = inbox.read(0, 10, 10)
    got = dict(zip(COLUMNS, row, strict=True))
    assert (got["duration_ms"], got["answer"]) == (None, None)
    inbox.append(record(**_rec(), duration_ms=1.5, answer={"status": 200}))
    got = dict(zip(COLUMNS, inbox.read(1, 10, 10)[0], strict=True))
    assert (got["duration_ms"], got["answer"]) == (1.5, '{"status":200}')
    inbox.close()


def _rec() -> dict:
    return dict(
        session_id=1,
        received_at=2.0,
        route="track",
        method="POST",
        path="/v1/track",
        query="",
        headers={},
        content_type="",
        content_encoding="",
        size=2,
        body=b"{}",
    )


def test_partial_gzip_and_deflate():
    items = ",".join(
        f'{{"type": "track", "messageId": "{i * 7919 % 100003:x}"}}' for i in range(2000)
    )
    data = ('{"batch": [' + items + "]}").encode()
    full = inflate_partial(gzip.compress(data), "gzip")
    assert full.complete and full.data == data
    cut = inflate_partial(gzip.compress(data)[:2000], "gzip")
    assert not cut.complete and data.startswith(cut.data) and len(cut.data) > 100
    z = zlib.compress(data)
    assert inflate_partial(z, "deflate").data == data
    garbage = gzip.compress(data)
    garbage = garbage[:3000] + b"\xff" * 40 + garbage[3040:]
    broken = inflate_partial(garbage, "gzip")
    # deflate notices damage only at the end (the CRC): what decoded is shown, with a warning
    assert not broken.complete and "check failed" in (broken.error or "")
    assert broken.data[:2500] == data[:2500]
    bad_block = inflate_partial(gzip.compress(data)[:10] + b"\xff" * 50, "gzip")
    assert not bad_block.complete and "broken near byte 0" in (bad_block.error or "")
    assert inflate_partial(b"not gzip", "gzip").data == b""


def test_describe_and_hex():
    assert hex_dump(b"AB\x00") == "00000000  41 42 00" + " " * 39 + "  |AB.|"
    d = describe(b'{"a":1}', "gzip", stored_decoded=True)
    assert d["received"]["kept"] is False and d["decoded"]["text"] == '{\n  "a": 1\n}'
    d = describe(b"plain text", "", stored_decoded=False)
    assert d["decoded"] == {"kind": "text", "text": "plain text", "complete": True}


def test_an_older_store_opened_read_only_reads_its_requests(tmp_path):
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.executescript(V1_REQUESTS)
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER, seq INTEGER, "
        "request_id INTEGER, message_id TEXT)"
    )
    conn.close()
    store = Store(tmp_path, read_only=True)  # what `report` opens: nothing is migrated
    (old,) = list_requests(store, 1)
    assert (old.path, old.client, old.answer) == ("/v1/batch", None, None)
    assert store.get_request(1) is not None and store.rejected(1) == (0, [])
    store.close()
    cols = {
        r[1] for r in sqlite3.connect(tmp_path / DB_NAME).execute("PRAGMA table_info(requests)")
    }
    assert "client" not in cols
