"""The View without Qt: rows read from a real store newest first, the older ones put in front,
counts that add up to reading everything at once, and a filter's projection."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.domain.capture import Finding
from inspector.domain.query import compile_query
from inspector.domain.store import Store
from inspector.domain.view import LintCounts, RowStore, View, loader
from inspector.domain.view.values import values_for
from inspector.domain.view.vocabulary import SessionVocabulary
from inspector.testing.events import event

E001 = Finding("E001", "error", "revenue is a string", "properties.revenue")
W006 = Finding("W006", "warning", "currency is missing", None)


def _message(i: int) -> dict[str, Any]:
    if i % 7 == 0:
        return {"type": "identify", "userId": f"u{i % 5}", "traits": {"email": f"p{i}@x.io"}}
    if i % 5 == 0:
        return {"type": "page", "anonymousId": f"a{i % 3}", "category": "Docs"}
    return {"type": "track", "event": f"E{i % 4}", "userId": f"u{i % 5}"}


@pytest.fixture
def stored(tmp_path: Any) -> tuple[Store, int, int]:
    """A store with one session of 103 events: lint findings, duplicates, two clients."""
    store = Store(tmp_path)
    sid = store.open_session("s").id
    n = 103
    batch = [
        event(
            _message(i),
            lint=[E001, W006] if i % 11 == 0 else [W006] if i % 4 == 0 else [],
            dup=i % 13 == 0,
            client="analytics-python" if i % 2 else "@segment/analytics-next",
            write_key=f"WK{i % 2}",
            session_id=sid,
        )
        for i in range(1, n + 1)
    ]
    store.allocate(None, batch)
    store.write([], batch)
    yield store, sid, n
    store.close()


def _all_at_once(store: Store, sid: int) -> tuple[RowStore, LintCounts, int]:
    rows, counts, dups = RowStore(), LintCounts(), 0
    for chunk in loader.chunks(store.read, sid, chunk=10):
        dups += loader.append(rows, counts, chunk)
    return rows, counts, dups


def test_newest_first_then_the_older_rows_in_front_equal_reading_all(stored):
    store, sid, n = stored
    whole, whole_counts, whole_dups = _all_at_once(store, sid)
    assert len(whole) == n and whole_dups == sum(1 for i in range(1, n + 1) if i % 13 == 0)
    assert whole_counts.errors == sum(1 for i in range(1, n + 1) if i % 11 == 0)

    view = View(sid)
    newest = loader.newest(store.read, sid, 20)
    view.duplicates = loader.append(view.rows, view.lint, newest)
    before = (newest[0][0], newest[0][1])
    assert loader.count_before(store.read, sid, before) == n - 20
    view.begin(before, n - 20)
    assert view.total == n and len(view) == 20
    assert list(view.rows.ids) == list(whole.ids)[-20:]
    older = loader.read_before(store.reader(), sid, before, lambda: False)
    assert view.prepend(*older) == n - 20
    assert view.loading == 0 and view.total == n
    assert [view.rows.row(r) for r in range(n)] == [whole.row(r) for r in range(n)]
    assert list(view.rows.dup) == list(whole.dup)
    assert view.duplicates == whole_dups
    assert view.lint.by_rule == whole_counts.by_rule
    assert (view.lint.errors, view.lint.warnings) == (whole_counts.errors, whole_counts.warnings)
    assert view.rows.id_sorted
    assert view.view_row_of_id(whole.ids[5]) == 5


def test_the_older_rows_counts_come_before_the_rows_and_equal_them(stored):
    store, sid, n = stored
    _, whole_counts, whole_dups = _all_at_once(store, sid)
    view = View(sid)
    newest = loader.newest(store.read, sid, 20)
    view.duplicates = loader.append(view.rows, view.lint, newest)
    before = (newest[0][0], newest[0][1])
    view.begin(before, n - 20)
    counts, dups = loader.counts_before(store.read, sid, before)
    assert dups == sum(1 for i in range(1, n - 20 + 1) if i % 13 == 0)
    view.count_older(counts, dups)
    assert view.older_counted and len(view.rows) == 20  # counted, not yet read
    whole = [whole_counts.errors, whole_counts.warnings, whole_counts.findings, whole_counts.events]
    rules = {rule: entry[:2] for rule, entry in whole_counts.by_rule.items()}
    assert view.duplicates == whole_dups
    assert [view.lint.errors, view.lint.warnings, view.lint.findings, view.lint.events] == whole
    assert {rule: entry[:2] for rule, entry in view.lint.by_rule.items()} == rules
    view.count_older(counts, dups)  # a second report changes nothing
    assert view.duplicates == whole_dups
    view.prepend(*loader.read_before(store.reader(), sid, before, lambda: False))
    # the rows' own counts are not added again
    assert view.duplicates == whole_dups and not view.older_counted
    assert [view.lint.errors, view.lint.warnings, view.lint.findings, view.lint.events] == whole
    assert {rule: entry[:2] for rule, entry in view.lint.by_rule.items()} == rules


def test_rows_label_as_the_table_does(stored):
    store, sid, _n = stored
    rows, _, _ = _all_at_once(store, sid)
    labels: dict[str, set[str]] = {rows.row(r)[1]: set() for r in range(len(rows))}
    for r in range(len(rows)):
        labels[rows.row(r)[1]].add(rows.row(r)[2])
    assert labels["page"] == {"Docs"}  # no name: the category
    assert all(lab.startswith("p") and "@x.io" in lab for lab in labels["identify"])
    assert labels["track"] == {"E0", "E1", "E2", "E3"}
    assert {rows.row(r)[5] for r in range(len(rows))} == {
        "analytics-python · W••••••1",  # the write key masked
        "@segment/analytics-next · W••••••0",
    }


def test_a_filter_shows_its_rows_with_those_that_arrived_while_it_ran(stored):
    store, sid, n = stored
    view = View(sid)
    loader.append(view.rows, view.lint, loader.newest(store.read, sid, n))
    cq = compile_query("type:track event:E1")
    view.set_filter(cq, "type:track event:E1")
    assert view.pending == [] and view.shows_every_new_row  # rows as before, until it answers
    late = [event({"type": "track", "event": "E1"}, id=10_000, session_id=sid)]
    late.append(event({"type": "track", "event": "E2"}, id=10_001, session_id=sid))
    assert view.add(late) is None
    ids = store.event_ids(sid, cq.where, cq.params)
    view.show_ids(ids)
    shown = [view.event_id(r) for r in range(len(view))]
    assert shown == [*ids, 10_000]  # the stored matches, then the one that came meanwhile
    assert view.add([event({"type": "track", "event": "E1"}, id=10_002, session_id=sid)]) == [
        len(view.rows) - 1
    ]
    view.set_filter(None)
    assert len(view) == len(view.rows) == n + 3


def test_older_rows_keep_a_filtered_projection_on_the_same_events():
    view = View(1)
    for i in range(5):
        view.rows.append_tuple((1.0 + i, "track", "E", "u", "", "lib", 0, 100 + i))
    view.set_filter(compile_query("event:E"), "event:E")
    view.show_ids([101, 103])
    older = RowStore()
    for i in range(3):
        older.append_tuple((0.1 + i, "page", "Home", "v", "", "lib", 0, 10 + i))
    view.prepend(older, LintCounts(), 0)
    assert [view.event_id(r) for r in range(len(view))] == [101, 103]
    assert view.rows.row(0)[2] == "Home" and view.rows.row(3)[2] == "E"


def test_completion_values_come_from_the_rows(stored):
    store, sid, n = stored
    view = View(sid)
    loader.append(view.rows, view.lint, loader.newest(store.read, sid, n))
    vocab = SessionVocabulary(store)
    assert set(values_for(view, vocab, "event")) == {"E0", "E1", "E2", "E3", "Docs"}
    assert values_for(view, vocab, "writeKey") == ["W••••••0", "W••••••1"]
    assert values_for(view, vocab, "rule") == ["E001", "W006"]
    assert values_for(view, vocab, "lint") == ["error", "warning", "info", "none"]
