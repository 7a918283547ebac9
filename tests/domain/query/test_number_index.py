"""The number index follows the store (filled when idle, cleared with a session) and only ever
narrows: a comparison gives the predicate's answer with it, without it, and half-way."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from inspector.domain.capture import CapturedEvent
from inspector.domain.query import compile_query, numindex
from inspector.domain.query.numindex import fullkey_key, path_key
from inspector.domain.store import Store
from inspector.testing.events import event

MESSAGES: list[dict[str, Any]] = [
    {"type": "track", "properties": {"revenue": 30, "price": 30.0}},
    {"type": "track", "properties": {"revenue": "300", "price": -5}},
    {"type": "track", "properties": {"revenue": 299.99, "order_id": 7}},
    {"type": "track", "properties": {"revenue": 2**70, "items": [{"price": 500}]}},
    {"type": "track", "properties": {"revenue": -(2**63), "flag": True, "none": None}},
    {"type": "identify", "traits": {"age": 41, "address": {"zip": 10115}}},
    {"type": "screen", "context": {"screen": {"width": 1080}}, "properties": {"2024": 5}},
    {"type": "track", "properties": {"revenue": 1e300, "my-key": 3, "a b": 4}},
    {"type": "track", "properties": {"revenue": 0, "price": 0.1}},
]
COMPARISONS = [
    "properties.revenue:>290",
    "properties.revenue:>=30",
    "properties.revenue:<0",
    "properties.revenue:<=30",
    "properties.revenue:>1e20",
    "properties.price:<0.1",
    "properties.price:<=0.1",
    "properties.order_id:>6",
    "traits.age:>=41",
    "traits.address.zip:>10000",
    "context.screen.width:>1000",
    "properties.my-key:>2",
    "properties.items.0.price:>100",  # inside an array: not indexed, still answered
    "properties.2024:>1",
    "properties.flag:>0",
    "-properties.revenue:>100",
    "properties.revenue:>100 or traits.age:>40",
    "type:track properties.revenue:<=30 -properties.price:<0",
]


def _write(store: Store, sid: int, messages: list[dict[str, Any]]) -> list[CapturedEvent]:
    evs = [event(m, session_id=sid, message_id=f"m{i}") for i, m in enumerate(messages)]
    store.allocate(None, evs)
    store.write([], evs)
    return evs


def test_keys_name_plain_object_paths_only() -> None:
    assert path_key(("properties", "revenue")) == "properties.revenue"
    assert path_key(("properties", "my-key")) == "properties.my-key"
    assert path_key(("properties", "products", "0", "price")) is None  # array index
    assert path_key(("properties", "a b")) is None
    assert path_key(("properties", "zoë")) is None
    assert path_key(()) is None
    assert fullkey_key("$.properties.revenue") == "properties.revenue"
    assert fullkey_key('$.properties."order_id"') == "properties.order_id"  # quoted by SQLite
    assert fullkey_key("$.properties.items[0].price") is None
    assert fullkey_key('$.properties."a b"') is None
    assert fullkey_key('$.properties."q\\""') is None
    assert fullkey_key("$") is None


def test_filled_when_idle_and_forgotten_with_the_session(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.open_session("a").id
    b = store.open_session("b").id
    _write(store, a, MESSAGES)
    _write(store, b, MESSAGES[:3])
    assert store._scalar("SELECT COUNT(*) FROM events_num") == 0  # not on the write path
    store.index_all()
    keys = {k for (k,) in store.select("SELECT key FROM events_num_keys")}
    assert {"properties.revenue", "properties.order_id", "traits.address.zip"} <= keys
    assert "context.screen.width" in keys and "properties.my-key" in keys
    assert not any("items" in k or "2024" in k or "a b" in k for k in keys)
    n = store._scalar("SELECT COUNT(*) FROM events_num")
    store.clear(b)
    assert store._scalar("SELECT COUNT(*) FROM events_num") == n - 5  # b's 3 events, 5 numbers
    store.delete_session("a")
    assert store._scalar("SELECT COUNT(*) FROM events_num") == 0
    store.close()


@pytest.mark.parametrize("indexed", [0, 4, 100])  # events in the index: none, some, all
def test_comparisons_answer_as_the_predicate(tmp_path: Path, indexed: int) -> None:
    store = Store(tmp_path)
    other = store.open_session("other").id
    sid = store.open_session("s").id
    _write(store, other, MESSAGES)  # another session's matches never count
    evs = _write(store, sid, MESSAGES)
    store.index_pending(2 * len(MESSAGES))  # a whole step behind: the free text first
    store.index_pending(len(MESSAGES) + indexed)  # then the numbers, up to "indexed" of s
    assert store.indexer.progress()[1] == min(evs[0].id - 1 + indexed, evs[-1].id)
    reader = store.reader()
    for q in COMPARISONS:
        cq = compile_query(q, index=reader)
        want = [e.id for e in evs if cq.matches(e)]
        assert reader.event_ids(sid, cq.where, cq.params) == want, q
        assert reader.count(sid, cq.where, cq.params) == len(want), q
        plain = compile_query(q)
        assert "events_num" not in plain.where  # without a reader: the plain comparison
        assert reader.event_ids(sid, plain.where, plain.params) == want, q
    assert "events_num" in compile_query("properties.revenue:>290", index=reader).where
    reader.close()
    store.close()


def test_a_common_comparison_is_not_driven_from_the_index(tmp_path: Path, monkeypatch) -> None:
    store = Store(tmp_path)
    sid = store.open_session("s").id
    _write(store, sid, MESSAGES)
    store.index_all()
    monkeypatch.setattr(numindex, "RARE_ROWS", 4)  # >290: three
    assert "events_num" in compile_query("properties.revenue:>290", index=store.read).where
    assert "events_num" not in compile_query("properties.revenue:>=0", index=store.read).where
    store.close()


def test_a_store_without_the_index_is_read_as_before(tmp_path: Path) -> None:
    """An older store opened read-only has no index file: comparisons read the rows."""
    store = Store(tmp_path)
    sid = store.open_session("s").id
    evs = _write(store, sid, MESSAGES)
    store.index_all()
    store.close()
    for f in tmp_path.glob("inspector-index.sqlite3*"):
        f.unlink()
    old = Store(tmp_path, read_only=True)
    cq = compile_query("properties.revenue:>290", index=old.read)
    assert "events_num" not in cq.where
    assert old.event_ids(sid, cq.where, cq.params) == [evs[2].id, evs[3].id, evs[7].id]
    old.close()


def test_free_text_first_while_a_step_or_more_behind(tmp_path: Path) -> None:
    """A backlog of a step or more (a burst) fills the free-text index alone; the numbers
    follow once it is nearly up to date. No mark ever goes back, and every answer, text or
    comparison, is the same at each point (what an index does not cover yet is read)."""
    store = Store(tmp_path)
    sid = store.open_session("s").id
    evs = _write(store, sid, MESSAGES * 3)
    n = len(evs)
    reader = store.reader()
    queries = [*COMPARISONS, "Order", "user:u1", "properties.revenue:>290 Order"]
    want = {}
    for q in queries:
        cq = compile_query(q, index=reader)
        want[q] = [e.id for e in evs if cq.matches(e)]
    marks = []
    step = n // 3 + 1  # two steps of free text alone; a third with the numbers' first
    while store.index_pending(step):
        marks.append(store.indexer.progress())
        for q in queries:
            cq = compile_query(q, index=reader)
            assert reader.event_ids(sid, cq.where, cq.params) == want[q], (q, marks[-1])
            assert reader.count(sid, cq.where, cq.params) == len(want[q]), (q, marks[-1])
    last = evs[-1].id
    text = [t for t, _ in marks]
    assert text[:3] == [evs[step - 1].id, evs[2 * step - 1].id, last]
    # the numbers wait while the text is a step behind, then start beside its last part
    assert [num for _, num in marks[:3]] == [0, 0, evs[step - 1].id]
    assert marks[-1] == (last, last)
    assert all(a <= b for a, b in itertools.pairwise(text))
    nums = [num for _, num in marks]
    assert all(a <= b for a, b in itertools.pairwise(nums))
    reader.close()
    store.close()
