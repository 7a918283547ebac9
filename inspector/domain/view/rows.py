"""The shown session's display rows, kept compact (Qt-free).

A row is the display tuple ``(time, type, label, userId, anonymousId, source, lint level,
event id)``; it is kept column-wise in typed arrays, with every string interned once in a
table of strings. A row costs ~40 bytes plus its unique strings, and none of it is tracked by
the garbage collector, so a growing session does not make GC passes longer. Payloads stay in
the store and are read when an event is shown.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.labels import row_label
from inspector.domain.view.columns import (
    ANON,
    ID,
    LABEL,
    LINT,
    SOURCE,
    TIME,
    TYPE,
    USER,
    source_text,
)

_STRING_COLUMNS = ("type", "label", "user", "anon", "source")


def rows_of_ids(ids: Iterable[int], event_ids: Iterable[int]) -> list[int]:
    """Row numbers (in ``ids``, a store's or a snapshot of it) of these event ids, in row
    order; ids not there are skipped. A filter's thread maps its answer with it."""
    wanted = set(event_ids)
    return [i for i, eid in enumerate(ids) if eid in wanted]


class Strings:
    """An append-only string table: each distinct value is stored once, rows keep its index."""

    __slots__ = ("_index", "lookup", "values")

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self._index: dict[str | None, int] = {"": 0, None: 0}
        #: the index of a value already held ("" and None: 0), else None (a C call)
        self.lookup = self._index.get

    def idx(self, value: str | None) -> int:
        if not value:
            return 0
        i = self._index.get(value)
        if i is None:
            i = self._index[value] = len(self.values)
            self.values.append(value)
        return i

    def __len__(self) -> int:
        return len(self.values)


class RowStore:
    """All rows of the shown session, in arrival order."""

    def __init__(self) -> None:
        self.strings = Strings()
        self.source_index: dict[tuple[Any, ...], int] = {}
        self.clear()

    def clear(self) -> None:
        self.time = array("d")
        self.ids = array("q")
        self.type = array("I")
        self.label = array("I")
        self.user = array("I")
        self.anon = array("I")
        self.source = array("I")
        self.lint = array("b")
        self.dup = array("b")
        self._id_sorted = True
        self._row_of: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    # -- appending ------------------------------------------------------------------------
    def _source_idx(self, write_key: str | None, client: str | None, library: str | None) -> int:
        key = (write_key, client, library)
        i = self.source_index.get(key)
        if i is None:
            i = self.source_index[key] = self.strings.idx(source_text(write_key, client, library))
        return i

    def append_events(
        self, events: Iterable[CapturedEvent], lint_levels: Iterable[int] | None = None
    ) -> int:
        """Append events (arrival order); returns how many rows were added.

        The hot path of the live table (thousands of rows a second): array appends are bound
        once, the label is the event's head read by :func:`row_label`, and the
        lint levels can be passed in when the caller has computed them already.
        """
        s = self.strings.idx
        src = self._source_idx
        ids = self.ids
        n0 = len(ids)
        last = ids[-1] if n0 else 0
        t_app, ty_app, lab_app = self.time.append, self.type.append, self.label.append
        u_app, a_app, so_app = self.user.append, self.anon.append, self.source.append
        l_app, id_app, d_app = self.lint.append, ids.append, self.dup.append
        levels = iter(lint_levels) if lint_levels is not None else None
        for ev in events:
            m = ev.head  # what names the row (an announced event's message stays encoded)
            t = ev.type
            t_app(ev.received_at)
            ty_app(s(t))
            lab = row_label(t, m)
            lab_app(s(lab))
            u = m.get("userId")
            u_app(s(u if u is None or isinstance(u, str) else str(u)))
            a = m.get("anonymousId")
            a_app(s(a if a is None or isinstance(a, str) else str(a)))
            so = ev.source
            so_app(src(so.write_key, so.client, so.library))
            l_app(next(levels) if levels is not None else ev.lint_level)
            d_app(1 if ev.dup else 0)
            eid = ev.id
            if eid < last:
                self._id_sorted = False
            last = eid
            id_app(eid)
        self._row_of = None
        return len(ids) - n0

    def append_tuple(self, row: tuple[Any, ...], dup: bool = False) -> None:
        """Append one display tuple (used by loaders and benchmarks)."""
        s = self.strings.idx
        self.time.append(row[TIME])
        self.type.append(s(row[TYPE]))
        self.label.append(s(row[LABEL]))
        self.user.append(s(row[USER]))
        self.anon.append(s(row[ANON]))
        self.source.append(s(row[SOURCE]))
        self.lint.append(row[LINT])
        self.dup.append(1 if dup else 0)
        if len(self.ids) and row[ID] < self.ids[-1]:
            self._id_sorted = False
        self.ids.append(row[ID])
        self._row_of = None

    def note_appended(self, in_order: bool) -> None:
        """Rows were appended column by column (a loader): keep the id lookups right."""
        if not in_order:
            self._id_sorted = False
        self._row_of = None

    @property
    def id_sorted(self) -> bool:
        """Whether arrival order is also id order (then an id is found by bisection)."""
        return self._id_sorted

    def prepend(self, older: RowStore) -> int:
        """Put ``older`` (rows that arrived before these, read in the background) in front;
        returns how many rows came. ``older`` is consumed: its arrays become this store's.

        Only the rows held here are rewritten (their string indexes, into ``older``'s table),
        so the cost is that of the newer part, not of the whole session."""
        n = len(older)
        if not n:
            return 0
        remap = array("I", (older.strings.idx(v) for v in self.strings.values))
        for name in _STRING_COLUMNS:
            col: array[int] = getattr(older, name)
            col.extend(remap[i] for i in getattr(self, name))
            setattr(self, name, col)
        for name in ("time", "ids", "lint", "dup"):
            col2: array[Any] = getattr(older, name)
            col2.extend(getattr(self, name))
            setattr(self, name, col2)
        ordered = older._id_sorted and self._id_sorted
        if ordered and len(self.ids) > n:
            ordered = self.ids[n - 1] < self.ids[n]
        sources = older.source_index
        for key, i in self.source_index.items():
            sources.setdefault(key, remap[i])
        self.strings, self.source_index, self._id_sorted = older.strings, sources, ordered
        self._row_of = None
        return n

    # -- reading --------------------------------------------------------------------------
    def row(self, r: int) -> tuple[Any, ...]:
        v = self.strings.values
        return (
            self.time[r],
            v[self.type[r]],
            v[self.label[r]],
            v[self.user[r]],
            v[self.anon[r]],
            v[self.source[r]],
            self.lint[r],
            self.ids[r],
        )

    def text(self, r: int, col: int) -> str:
        v = self.strings.values
        if col == TYPE:
            return v[self.type[r]]
        if col == LABEL:
            return v[self.label[r]]
        if col == USER:
            return v[self.user[r]]
        if col == ANON:
            return v[self.anon[r]]
        if col == SOURCE:
            return v[self.source[r]]
        return ""

    def row_of_id(self, event_id: int) -> int | None:
        ids = self.ids
        if self._id_sorted:
            from bisect import bisect_left

            i = bisect_left(ids, event_id)
            return i if i < len(ids) and ids[i] == event_id else None
        if self._row_of is None:
            self._row_of = {eid: i for i, eid in enumerate(ids)}
        return self._row_of.get(event_id)

    def rows_of_ids(self, event_ids: Iterable[int]) -> list[int]:
        """Row numbers of these ids, in row order (ids not shown are skipped)."""
        return rows_of_ids(self.ids, event_ids)

    def memory_bytes(self) -> int:
        """Bytes held by the arrays (not the shared strings)."""
        arrays = (
            self.time,
            self.ids,
            self.type,
            self.label,
            self.user,
            self.anon,
            self.source,
            self.lint,
            self.dup,
        )
        return sum(a.buffer_info()[1] * a.itemsize for a in arrays)
