"""What the live table shows: the buffered feed from the collector, pause, filter, counters.

The collector calls :meth:`EventFeed.on_capture` on the loop thread after each request is
committed; it only appends to a buffer. A :class:`Coalescer` hands the buffer to
:meth:`_flush` every ~60 ms, which appends the rows in one ``beginInsertRows``.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.domain.capture import SEVERITY_LEVEL, CapturedEvent, RawRequest
from inspector.domain.query import CompiledQuery, compile_query
from inspector.domain.store import Session, Store
from inspector.gui import domain_bridge
from inspector.gui.loader import display_rows
from inspector.gui.models.events_model import EventsModel
from inspector.gui.models.requests_model import RequestsModel
from inspector.gui.rows import ANON, LABEL, SOURCE, TYPE, USER
from inspector.gui.throttle import Coalescer
from inspector.gui.vocabulary import SessionVocabulary

FLUSH_MS = 60
MAX_ROWS_PER_TICK = 500  # a bigger backlog is applied over several loop passes
_LEVEL = SEVERITY_LEVEL
_VALUE_COLUMNS = {
    "type": TYPE,
    "event": LABEL,
    "name": LABEL,
    "userid": USER,
    "user": USER,
    "anonymousid": ANON,
    "writekey": SOURCE,
}
_FIXED_VALUES = {"lint": ["error", "warning", "info", "none"], "dup": ["true", "false"]}


class LintCounts:
    """Findings per rule, for the lint panel, and events per level, for the status bar."""

    def __init__(self) -> None:
        self.by_rule: dict[str, list[Any]] = {}  # rule -> [severity, events, example message]
        self.errors = 0  # events whose worst finding is an error
        self.warnings = 0  # events whose worst finding is a warning
        self.findings = 0  # findings in all
        self.events = 0  # events with at least one finding

    def add(self, findings: list[Any]) -> int:
        """Count one event's findings; returns its lint level (3 error, 2 warning, 1 info)."""
        by_rule = self.by_rule
        if findings:
            self.findings += len(findings)
            self.events += 1
        worst = 0
        seen: tuple[str, ...] | set[str] = ()
        for f in findings:
            if isinstance(f, dict):
                rule, sev, msg = f["rule"], f["severity"], f.get("message", "")
            else:
                rule, sev, msg = f.rule, f.severity, f.message
            level = _LEVEL.get(sev, 1)
            if level > worst:
                worst = level
            if rule in seen:
                continue
            seen = (*seen, rule) if len(seen) < 8 else {*seen, rule}
            entry = by_rule.get(rule)
            if entry is None:
                by_rule[rule] = [sev, 1, msg]
            else:
                entry[1] += 1
        if worst == 3:
            self.errors += 1
        elif worst == 2:
            self.warnings += 1
        return worst


class RateMeter:
    def __init__(self, window_s: float = 2.0) -> None:
        self._window = window_s
        self._marks: deque[tuple[float, int]] = deque()

    def add(self, n: int) -> None:
        self._marks.append((time.monotonic(), n))

    def rate(self) -> float:
        now = time.monotonic()
        while self._marks and now - self._marks[0][0] > self._window:
            self._marks.popleft()
        return sum(n for _, n in self._marks) / self._window


class EventFeed(QObject):
    rowsAdded = Signal(int)  # rows the view gained
    countsChanged = Signal()
    filterApplied = Signal()
    identityChanged = Signal()

    def __init__(self, store: Store, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.live_session = session
        self.session = session  # the one shown; an earlier one is read-only
        self.model = EventsModel(parent=self)
        self.requests = RequestsModel(parent=self)
        self._rows = Coalescer(self._flush, FLUSH_MS, self, max_items=MAX_ROWS_PER_TICK)
        self._reqs = Coalescer(self._flush_requests, 100, self, freeze_gc=False)
        self.paused = False
        self.held = 0
        self.query: Any = None
        self.query_text = ""
        self.ctx: Any = None
        self.compiled: CompiledQuery | None = None  # the filter, as compile_query made it
        self.lint = LintCounts()
        self.duplicates = 0
        self.meter = RateMeter()
        self.on_flush: list[Any] = []  # benchmark hooks: fn(events) after rows are in the model
        self.vocab = SessionVocabulary(store)

    # -- from the collector (loop thread) -------------------------------------------------
    def on_capture(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        if (raw.rejected or raw.fault) and raw.session_id == self.session.id:
            self._reqs.add_one(raw)
        if not events:
            return
        self.meter.add(len(events))
        live = self.live_session.id
        if self.session.id != live:
            return
        if events[0].session_id != live:  # sent before Clear moved on to a new session
            events = [ev for ev in events if ev.session_id == live]
            if not events:
                return
        if self.paused:
            self.held += len(events)
            return
        self._rows.add(events)
        self.identityChanged.emit()

    def stop(self) -> None:
        """Drop what is buffered and stop the timers (the window is closing)."""
        self._rows.discard()
        self._reqs.discard()

    @property
    def live(self) -> bool:
        return self.session.id == self.live_session.id

    @property
    def pending(self) -> int:
        return self._rows.pending

    def flush_now(self) -> None:
        self._rows.flush_now()
        self._reqs.flush_now()

    def _flush(self, events: list[CapturedEvent]) -> None:
        rows = self.model.rows
        first = len(rows)
        add = self.lint.add
        levels = [add(ev.lint) if ev.lint else 0 for ev in events]
        self.duplicates += sum(1 for ev in events if ev.dup)
        rows.append_events(events, levels)
        matches = None
        if self.compiled is not None:
            cq = self.compiled
            matches = [first + i for i, ev in enumerate(events) if _safe_match(cq, ev)]
        added = self.model.rows_appended(first, matches)
        for fn in self.on_flush:
            fn(events)
        self.rowsAdded.emit(added)
        self.countsChanged.emit()

    def _flush_requests(self, raws: list[RawRequest]) -> None:
        self.requests.append(raws)
        self.countsChanged.emit()

    # -- pause ----------------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        if not paused:
            self._rows.flush_now()
            self.held = 0
            self._catch_up()

    def _catch_up(self) -> None:
        """Rows stored while paused (ids after the last row) are read back from the store."""
        rows = self.model.rows
        after = rows.ids[-1] if len(rows) else 0
        first = len(rows)
        self._append_stored(after)
        if len(rows) == first:
            return
        if self.query is not None:
            self.apply_query(self.query, self.query_text)
        else:
            self.model.rows_appended(first)
        self.countsChanged.emit()

    def _append_stored(self, after_id: int) -> None:
        rows = self.model.rows
        for chunk in display_rows(self.store, self.session.id, after_id):
            for tup, findings, dup in chunk:
                rows.append_tuple(tup, dup)
                if findings:
                    self.lint.add(findings)
                if dup:
                    self.duplicates += 1

    # -- sessions and clearing ------------------------------------------------------------
    def reset_counts(self) -> None:
        self.lint = LintCounts()
        self.duplicates = 0
        self.held = 0

    def load_session(self, session: Session) -> None:
        """Show ``session`` (the live one, or an earlier one read-only) from the store."""
        self._rows.discard()
        self.session = session
        self.reset_counts()
        self.model.beginResetModel()
        self.model.rows.clear()
        self._append_stored(0)
        self.model._visible = None
        self.model.endResetModel()
        self.requests.load(self.store, session.id)
        if self.query is not None:
            self.apply_query(self.query, self.query_text)
        self.countsChanged.emit()
        self.identityChanged.emit()

    def clear(self) -> None:
        self._rows.discard()
        self.reset_counts()
        self.model.reset_all()
        self.requests.clear()
        self.countsChanged.emit()
        self.identityChanged.emit()

    # -- filtering ------------------------------------------------------------------------
    def apply_query(self, query: Any, text: str = "", ctx: Any = None) -> None:
        """Show rows matching ``query`` (None: all). SQL over the stored session, one reset."""
        self._rows.flush_now()
        self.query, self.query_text = query, text
        if ctx is not None:
            self.ctx = ctx
        if query is None:
            self.compiled = None
            self.model.set_visible(None)
        else:
            # the one door every consumer uses (API, CLI, plugin): same query, same rows
            self.compiled = compile_query(
                text or query.text, self.ctx, fts=self.store.read.fts_docs
            )
            ids = self.store.event_ids(self.session.id, self.compiled.where, self.compiled.params)
            self.model.set_visible(self.model.rows.rows_of_ids(ids))
        self.filterApplied.emit()

    def vocabulary(self) -> Any:
        """What the shown session holds (field values, message paths), for hints."""
        return self.vocab.get(self.session.id, self.model.rows, self.lint.by_rule)

    def paths(self) -> list[str]:
        return self.vocabulary().path_names()

    def values_for(self, field: str, limit: int = 200) -> list[str]:
        """Distinct values seen in a column or message path (for autocomplete)."""
        path = field
        field = field.lower()
        if field == "has":
            return self.paths()[:limit]
        if (
            field not in _FIXED_VALUES
            and field not in _VALUE_COLUMNS
            and field not in ("rule", "lib", "messageid", "previousid", "groupid")
        ):
            return self.vocabulary().path_values(path, limit)
        if field in _FIXED_VALUES:
            return _FIXED_VALUES[field]
        if field == "rule":
            return sorted(self.lint.by_rule)
        col = _VALUE_COLUMNS.get(field)
        if col is None:
            return []
        rows = self.model.rows
        arr = {
            TYPE: rows.type,
            LABEL: rows.label,
            USER: rows.user,
            ANON: rows.anon,
            SOURCE: rows.source,
        }[col]
        from collections import Counter

        if col == LABEL:  # identify rows show traits there, not an event name
            ident = rows.strings.idx("identify")
            counts = Counter(
                lab for lab, t in zip(arr[-50000:], rows.type[-50000:], strict=True) if t != ident
            )
        else:
            counts = Counter(arr[-50000:])
        counts.pop(0, None)
        vals = rows.strings.values
        if col == SOURCE:  # the source column shows "client · key"; offer the key
            return sorted(
                {vals[i].split(" · ")[-1] for i, _ in counts.most_common(limit) if " · " in vals[i]}
            )
        return [vals[i] for i, _ in counts.most_common(limit)]


def _safe_match(cq: CompiledQuery, ev: CapturedEvent) -> bool:
    try:
        return cq.matches(ev)
    except Exception:  # a predicate bug must not break ingest; treat as "no match"
        return False


def query_ctx(identity_getter: Any) -> Any:
    """A MatchContext whose person lookups go to the live identity graph (if any)."""
    mod = domain_bridge.query_module()
    ctx_cls = getattr(mod, "MatchContext", None) if mod else None
    if ctx_cls is None:
        return None

    def identifiers_of(value: str) -> Any:
        g = identity_getter()
        return g.identifiers_of(value) if g is not None else {value}

    try:
        return ctx_cls(identifiers_of=identifiers_of)
    except TypeError:
        return ctx_cls()
