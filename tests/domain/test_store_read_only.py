"""``Store(read_only=True)`` reads a data directory and never writes to it."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from inspector.domain.store import DB_NAME, Store
from tests.domain.test_store import add


def _fill(tmp_path) -> int:
    store = Store(tmp_path)
    session = store.open_session("s")
    add(store, session, 1)
    store.close()
    return session.id


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_only_store_reads_and_changes_nothing(tmp_path):
    sid = _fill(tmp_path)
    before = _digest(tmp_path / DB_NAME)
    store = Store(tmp_path, read_only=True)
    assert store.count_events(sid) == 1 and store.find_session("s") is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.open_session("another")
    store.close()
    assert _digest(tmp_path / DB_NAME) == before


def test_a_read_only_store_sees_what_a_writer_commits_after_it_opened(tmp_path):
    sid = _fill(tmp_path)
    reader = Store(tmp_path, read_only=True)
    writer = Store(tmp_path)
    add(writer, writer.session("s"), 2)
    assert reader.count_events(sid) == 3
    writer.close()
    reader.close()


def test_no_store_is_an_error_and_nothing_is_made(tmp_path):
    missing = tmp_path / "none"
    with pytest.raises(FileNotFoundError, match="no sessions in"):
        Store(missing, read_only=True)
    assert not missing.exists()
    (tmp_path / DB_NAME).write_bytes(b"")  # not a store
    with pytest.raises(sqlite3.DatabaseError):
        Store(tmp_path, read_only=True)
    assert (tmp_path / DB_NAME).read_bytes() == b""
