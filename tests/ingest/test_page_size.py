"""A store whose header is gone: its page size is told from its pages, whatever it was."""

from __future__ import annotations

import sqlite3

import pytest

from inspector.ingest.pages import PageFile, guess_page_size


@pytest.mark.parametrize("size", [1024, 4096, 8192, 16384])
def test_the_page_size_of_a_file_without_its_header_is_found(tmp_path, size):
    db = tmp_path / "x.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA page_size={size}")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL)")
    conn.executemany(
        "INSERT INTO t (a, b) VALUES (?, ?)", [(f"row {i} " * (i % 40), i / 3) for i in range(3000)]
    )
    conn.commit()
    conn.close()
    data = bytearray(db.read_bytes())
    data[:100] = bytes(100)  # the header is gone
    assert guess_page_size(bytes(data)) == size
    rows = {rowid: values for rowid, values in PageFile(bytes(data)).rows() if len(values) == 3}
    assert len(rows) >= 2900  # all but what page 1 held
    assert rows[2000][1] == "row 1999 " * (1999 % 40)
