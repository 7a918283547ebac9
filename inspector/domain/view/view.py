"""The View: what a window shows of one session, filtered and in arrival order (Qt-free).

As mitmproxy's ``View``: the store keeps the events; the View keeps the shown session's display
rows (:class:`RowStore`), its counts, and the projection a filter lets through (the source rows
shown, in order). A Qt model only indexes into it. It never runs a slow query itself: a filter's
matching ids are found elsewhere (a worker thread with its own connection) and handed in with
:meth:`View.show_ids`; new rows are tested against the compiled filter as they arrive.

A large session is shown newest first: :meth:`View.begin` holds the newest rows and the
session's size, the older rows arrive later (:meth:`View.prepend`), and until they have,
:attr:`View.loading` says how many are still to come, so nothing shown claims more than it has.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from inspector.domain.capture import CapturedEvent
from inspector.domain.query import CompiledQuery
from inspector.domain.store_read import Cursor
from inspector.domain.view.counts import LintCounts
from inspector.domain.view.rows import RowStore


class View:
    def __init__(self, session_id: int = 0) -> None:
        self.session_id = session_id
        self.rows = RowStore()
        self.visible: array[int] | None = None  # None: every row is shown
        self.compiled: CompiledQuery | None = None  # the filter (None: every event)
        self.query_text = ""
        # while the filter's query runs: the new rows that pass it (None: not running)
        self.pending: list[int] | None = None
        self.lint = LintCounts()
        self.duplicates = 0
        self.older: Cursor | None = None  # rows before this one are still being read
        self.loading = 0  # how many (stored when the session was opened)
        # whether ``lint`` and ``duplicates`` already count them (:meth:`count_older`)
        self.older_counted = False

    # -- the projection ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows) if self.visible is None else len(self.visible)

    @property
    def total(self) -> int:
        """Events of the session: those held, and the older ones still being read (while
        they are counted, only those held)."""
        return len(self.rows) + max(0, self.loading)

    @property
    def filtered(self) -> bool:
        return self.visible is not None

    def source_row(self, view_row: int) -> int:
        return view_row if self.visible is None else self.visible[view_row]

    def event_id(self, view_row: int) -> int:
        return self.rows.ids[self.source_row(view_row)]

    def view_row_of_id(self, event_id: int) -> int | None:
        r = self.rows.row_of_id(event_id)
        if r is None or self.visible is None:
            return r
        i = bisect_left(self.visible, r)
        return i if i < len(self.visible) and self.visible[i] == r else None

    def first_view_row_after(self, event_id: int) -> int | None:
        """The first shown row whose event came after ``event_id`` (arrival order)."""
        ids = self.rows.ids
        if self.rows.id_sorted:
            src = bisect_right(ids, event_id)
        else:
            src = next((i for i, e in enumerate(ids) if e > event_id), len(ids))
        if src >= len(ids):
            return None
        if self.visible is None:
            return src
        i = bisect_left(self.visible, src)
        return i if i < len(self.visible) else None

    # -- feeding ----------------------------------------------------------------------------
    def reset(self, session_id: int) -> None:
        """Empty, for ``session_id`` (the filter stays)."""
        self.session_id = session_id
        self.rows.clear()
        self.visible = None if self.compiled is None else array("I")
        self.pending = None
        self.lint = LintCounts()
        self.duplicates = 0
        self.older, self.loading = None, 0
        self.older_counted = False

    @property
    def shows_every_new_row(self) -> bool:
        """Whether :meth:`add` shows every row it appends (then it returns None)."""
        return self.compiled is None or (self.pending is not None and self.visible is None)

    def add(self, events: list[CapturedEvent]) -> list[int] | None:
        """Append live events; returns the new source rows shown: those the filter lets
        through, or None when every new row is shown (no filter, or while a filter's query
        runs after none: the rows are shown as they were until it answers)."""
        first = len(self.rows)
        add = self.lint.add
        levels = [add(ev.lint) if ev.lint else 0 for ev in events]
        self.duplicates += sum(1 for ev in events if ev.dup)
        self.rows.append_events(events, levels)
        cq = self.compiled
        if cq is None:
            return None
        matches = [first + i for i, ev in enumerate(events) if _safe_match(cq, ev)]
        if self.pending is not None:  # the query runs: these are shown with its rows
            self.pending.extend(matches)
            return None if self.visible is None else []  # meanwhile, as before it ran
        return matches

    def extend_visible(self, source_rows: list[int]) -> None:
        if self.visible is not None:
            self.visible.extend(source_rows)

    def begin(self, older: Cursor, loading: int) -> None:
        """The rows held are the session's newest; ``loading`` older ones (before ``older``;
        -1 while they are counted) are being read."""
        self.older, self.loading = older, loading

    def count_older(self, lint: LintCounts, duplicates: int) -> None:
        """The lint counts and duplicates of the older rows being read, counted before the
        rows arrive: from now on :attr:`lint` and :attr:`duplicates` are the session's."""
        if self.older is None or self.older_counted:
            return
        lint.merge(self.lint)
        self.lint = lint
        self.duplicates += duplicates
        self.older_counted = True

    def prepend(self, rows: RowStore, lint: LintCounts, duplicates: int) -> int:
        """The older rows have been read: put them (and their counts, unless
        :meth:`count_older` gave them) in front; returns how many came. A filter's
        projection is dropped (its ids must be looked up again)."""
        n = self.rows.prepend(rows)
        if not self.older_counted:
            lint.merge(self.lint)
            self.lint = lint
            self.duplicates += duplicates
        self.older, self.loading = None, 0
        self.older_counted = False
        if self.visible is not None:
            self.visible = array("I", (r + n for r in self.visible))
        if self.pending is not None:
            self.pending = [r + n for r in self.pending]
        return n

    # -- filtering --------------------------------------------------------------------------
    def set_filter(self, compiled: CompiledQuery | None, text: str = "") -> None:
        """The filter from now on (None: every event). Its rows follow with :meth:`show_ids`;
        until then the projection is that of the previous filter."""
        self.compiled, self.query_text = compiled, text if compiled is not None else ""
        if compiled is None:
            self.visible, self.pending = None, None
        else:
            self.pending = []

    def show_ids(self, event_ids: Iterable[int]) -> None:
        """Show the rows of these events (the filter's query found them), in arrival order,
        with the rows that arrived while the query ran and pass the filter."""
        self.show_rows(self.rows.rows_of_ids(event_ids))

    def show_rows(self, rows: list[int]) -> None:
        """:meth:`show_ids` with the ids already mapped to rows (by the filter's thread)."""
        extra = sorted(set(self.pending or ()).difference(rows))
        self.visible = array("I", sorted(rows + extra) if extra else rows)
        self.pending = None


def _safe_match(cq: CompiledQuery, ev: CapturedEvent) -> bool:
    try:
        return cq.matches(ev)
    except Exception:  # a predicate bug must not break ingest; treat as "no match"
        return False
