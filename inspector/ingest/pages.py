"""Rows read straight from an SQLite file's pages, for ``repair`` when SQLite gives up.

SQLite reads a table through its b-tree: if an interior page is gone (a file cut short,
overwritten in the middle), every row under it is out of reach, though its leaf pages may be
whole. This reads every page of the file instead, keeps the table leaf pages that are not on
the free list, decodes their cells (rowid and record, following overflow chains while they are
there) and tells the tables of the store apart by their number of columns. It reads the main
file only (a write-ahead log is read by SQLite itself, before this).
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TABLE_LEAF = 0x0D


def _varint(buf: bytes, at: int) -> tuple[int, int]:
    """A SQLite varint at ``at``: (value, position after it)."""
    v = 0
    for i in range(8):
        b = buf[at + i]
        v = (v << 7) | (b & 0x7F)
        if b < 0x80:
            return v, at + i + 1
    return (v << 8) | buf[at + 8], at + 9


def _value(kind: int, data: bytes, at: int) -> tuple[Any, int]:
    if kind == 0:
        return None, at
    if 1 <= kind <= 6:
        n = (1, 2, 3, 4, 6, 8)[kind - 1]
        return int.from_bytes(data[at : at + n], "big", signed=True), at + n
    if kind == 7:
        return struct.unpack(">d", data[at : at + 8])[0], at + 8
    if kind in (8, 9):
        return kind - 8, at
    if kind >= 12:
        n = (kind - 12) // 2 if kind % 2 == 0 else (kind - 13) // 2
        raw = data[at : at + n]
        if len(raw) != n:
            raise ValueError("record runs past its payload")
        return (raw if kind % 2 == 0 else raw.decode("utf-8")), at + n
    raise ValueError(f"serial type {kind}")


def decode_record(payload: bytes) -> list[Any]:
    header_len, at = _varint(payload, 0)
    kinds = []
    while at < header_len:
        k, at = _varint(payload, at)
        kinds.append(k)
    out = []
    pos = header_len
    for k in kinds:
        v, pos = _value(k, payload, pos)
        out.append(v)
    return out


_KINDS = (2, 5, 10, 13)  # the b-tree page types
_SIZES = tuple(1 << n for n in range(9, 17))  # the page sizes SQLite allows, 512..65536


def _looks_like_page(data: Any, start: int, size: int) -> bool:
    """Whether ``size`` bytes at ``start`` have the shape of a b-tree page's header."""
    head = data[start : start + 12]
    if len(head) < 8 or head[0] not in _KINDS:
        return False
    cells = int.from_bytes(head[3:5], "big")
    content = int.from_bytes(head[5:7], "big") or 65536
    header = 8 if head[0] in (10, 13) else 12
    return header + 2 * cells <= content <= size


def guess_page_size(data: Any, sample: int = 4000) -> int:
    """The page size of a file whose header is gone: the smallest size at which (nearly) every
    page starts like a b-tree page (a smaller one also lands in the middle of pages; a larger
    one only skips some), SQLite's default 4096 when nothing does."""
    best, best_share = 4096, 0.0
    for size in _SIZES:
        n = min(len(data) // size, sample)
        if n < 2:
            continue
        step = max(1, (len(data) // size) // n)
        # page 1 held the header that is gone: from page 2 on
        starts = [k * size for k in range(1, len(data) // size, step)][:n]
        share = sum(_looks_like_page(data, at, size) for at in starts) / max(len(starts), 1)
        if share > best_share + 0.05:
            best, best_share = size, share
    return best if best_share >= 0.5 else 4096


class PageFile:
    """An SQLite file's pages (mapped, not read into memory). A header that is gone: the page
    size is told from the pages (:func:`guess_page_size`), none reserved."""

    def __init__(self, data: Any) -> None:
        self.data = data
        page = int.from_bytes(data[16:18], "big")
        page = 65536 if page == 1 else page
        if data[:16] == b"SQLite format 3\x00" and page >= 512 and not page & (page - 1):
            self.page_size, self.usable = page, page - data[20]
            self.free = self._free_list()
        else:
            size = guess_page_size(data)
            self.page_size, self.usable, self.free = size, size, set()
        self.pages = len(data) // self.page_size

    def page(self, n: int) -> bytes | None:
        start = (n - 1) * self.page_size
        got = self.data[start : start + self.page_size]
        return got if len(got) == self.page_size else None

    def _free_list(self) -> set[int]:
        """The pages on the free list (whose old rows were deleted), as far as it reads."""
        free: set[int] = set()
        trunk = int.from_bytes(self.data[32:36], "big")
        while trunk and trunk not in free:
            page = self.page(trunk)
            if page is None:
                break
            free.add(trunk)
            count = int.from_bytes(page[4:8], "big")
            for i in range(min(count, (self.usable - 8) // 4)):
                free.add(int.from_bytes(page[8 + 4 * i : 12 + 4 * i], "big"))
            trunk = int.from_bytes(page[0:4], "big")
        return free

    def _payload(self, page: bytes, at: int) -> tuple[int, bytes] | None:
        size, at = _varint(page, at)
        rowid, at = _varint(page, at)
        u = self.usable
        x = u - 35
        if size <= x:
            return rowid, page[at : at + size]
        m = ((u - 12) * 32 // 255) - 23
        k = m + (size - m) % (u - 4)
        local = k if k <= x else m
        out = bytearray(page[at : at + local])
        nxt = int.from_bytes(page[at + local : at + local + 4], "big")
        seen = set()
        while len(out) < size and nxt and nxt not in seen:
            seen.add(nxt)
            over = self.page(nxt)
            if over is None:
                return None  # the rest of the row is gone
            nxt = int.from_bytes(over[0:4], "big")
            out += over[4:u]
        return (rowid, bytes(out[:size])) if len(out) >= size else None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(rowid, values)`` of every cell of every table leaf page in use."""
        free = self.free
        for n in range(1, self.pages + 1):
            if n in free:
                continue
            page = self.page(n)
            assert page is not None
            base = 100 if n == 1 else 0
            if page[base] != TABLE_LEAF:
                continue
            cells = int.from_bytes(page[base + 3 : base + 5], "big")
            for i in range(cells):
                ptr = int.from_bytes(page[base + 8 + 2 * i : base + 10 + 2 * i], "big")
                try:
                    got = self._payload(page, ptr) if 0 < ptr < len(page) else None
                    if got is not None:
                        yield got[0], decode_record(got[1])
                except (IndexError, ValueError, UnicodeDecodeError, struct.error):
                    continue  # a cell that does not decode is not a row


def table_rows(path: Path, widths: dict[int, str]) -> Iterator[tuple[str, list[Any]]]:
    """``(table, values)`` for the rows found in the file's pages, the table told by the
    number of columns (``widths``); a rowid alias column (stored as NULL) gets its rowid."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for rowid, values in PageFile(data).rows():
            table = widths.get(len(values))
            if table is not None:
                if values and values[0] is None:
                    values[0] = rowid
                yield table, values
