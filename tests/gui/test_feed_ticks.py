"""The live feed's hot path: capped flush slices, one-pass lint counting, rows as the domain
labels them, and the idle GC pass that only runs once the heap has grown."""

from __future__ import annotations

import gc
from typing import Any

from inspector.domain.capture import Finding
from inspector.domain.labels import identify_label
from inspector.domain.view import LintCounts, RowStore
from inspector.domain.view.columns import LABEL
from inspector.gui import throttle
from inspector.gui.throttle import Coalescer
from inspector.testing.events import T0, event


def _event(i: int, type_: str, message: dict[str, Any], lint: list[Any] | None = None):
    return event(
        message, id=i + 1, type=type_, at=T0 + i, timestamp=T0, message_id=f"m{i}", lint=lint or []
    )


def test_rows_label_events_as_the_domain_does():
    cases = [
        ("track", {"event": "Order Completed"}),
        ("track", {"event": 42}),
        ("track", {}),
        ("page", {"name": "Pricing"}),
        ("page", {"name": "", "category": "Docs"}),
        ("page", {"category": "Docs"}),
        ("screen", {"name": 7}),
        ("screen", {}),
        ("group", {"groupId": "acme"}),
        ("group", {"groupId": 12}),
        ("alias", {"previousId": "anon-1"}),
        ("identify", {"traits": {"email": "a@x.io"}}),
    ]
    events = [
        _event(i, t, {"type": t, "userId": 5 if i == 1 else "u", **m})
        for i, (t, m) in enumerate(cases)
    ]
    rs = RowStore()
    assert rs.append_events(events) == len(cases)
    for r, ev in enumerate(events):
        want = identify_label(ev.message) if ev.type == "identify" else (ev.label or "")
        assert rs.text(r, LABEL) == want, ev.message
    assert rs.row(1)[3] == "5"  # a numeric userId is shown as text


def test_lint_counts_return_the_level_and_count_each_rule_once_per_event():
    lint = LintCounts()
    w = Finding(rule="W1", severity="warning", message="m", path="p")
    e = Finding(rule="E1", severity="error", message="bad", path="p")
    assert lint.add([w, w, e]) == 3
    assert lint.add([w]) == 2
    assert lint.add([{"rule": "I1", "severity": "info"}]) == 1
    assert lint.by_rule["W1"][1] == 2 and lint.by_rule["E1"][1] == 1
    assert (lint.errors, lint.warnings) == (1, 1)
    rs = RowStore()
    evs = [_event(0, "track", {"event": "A"}, [w, e]), _event(1, "track", {"event": "B"})]
    rs.append_events(evs, [3, 0])
    assert list(rs.lint) == [3, 0]
    rs.append_events(evs)  # without precomputed levels: the domain's lint_level
    assert list(rs.lint) == [3, 0, 3, 0]


def test_a_big_backlog_is_flushed_in_slices_one_per_loop_pass(qtbot):
    got: list[int] = []
    c = Coalescer(lambda items: got.append(len(items)), 20, freeze_gc=False, max_items=1000)
    c.add(list(range(2500)))
    qtbot.waitUntil(lambda: sum(got) == 2500, timeout=2000)
    assert got == [1000, 1000, 500]
    assert c._timer.interval() == 0 or not c._timer.isActive()
    c.add(list(range(10)))
    assert c._timer.interval() == 20  # back to the normal cadence
    got.clear()
    c.add(list(range(2490)))
    c.flush_now()  # everything, now (filters and tests rely on it)
    assert got == [1000, 1000, 500] and c.pending == 0


def test_idle_full_gc_pass_only_after_the_heap_grew(qapp, monkeypatch):
    monkeypatch.setattr(throttle, "IDLE_MIN_GROWTH", 1000)
    c = Coalescer(lambda items: None, 10, freeze_gc=True)
    try:
        c.add([1])
        c.flush_now()
        c._on_idle()  # nothing grew since startup: no stop-the-world pass
        assert c.full_passes == 0
        c._frozen_after_pass = gc.get_freeze_count() // 2  # as if the heap had doubled since
        c._on_idle()
        assert c.full_passes == 1
        c._on_idle()  # and not again until it grows by another quarter
        assert c.full_passes == 1
    finally:
        gc.unfreeze()
