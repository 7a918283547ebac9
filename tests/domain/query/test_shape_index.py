"""The shape index answers ``has:path`` exactly for the events it covers: a path is in an
event's shape exactly when the predicate finds it in the message; it follows the store (filled
when free text is up to date, cleared with a session), stays bounded, and a store without it
is read as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.domain.query import compile_query, numindex, shapeindex
from inspector.domain.query.indexer import INDEX_NAME
from inspector.domain.query.shapeindex import message_paths, needle
from inspector.domain.query.textops import MISSING, get_path
from inspector.domain.store import Store
from inspector.testing.events import event

KEYS = ["a", "b", "c-d", "$e", "1", "f g", "zoë", "", "x.y"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=12,
)


def test_a_shape_lists_the_plain_object_paths() -> None:
    m = {
        "type": "track",
        "properties": {"revenue": 1, "items": [{"sku": "x"}], "a b": {"c": 1}, "2024": 5},
        "context": {"library": {"name": "x"}},
        "n": None,
    }
    assert message_paths(m).split("\n")[1:-1] == [
        "context",
        "context.library",
        "context.library.name",
        "n",
        "properties",
        "properties.items",
        "properties.revenue",
        "type",
    ]
    assert needle("context.library") in message_paths(m)
    assert needle("context.lib") not in message_paths(m)
    assert message_paths([1]) == message_paths(None) == "\n"


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(KEYS), json_values),
    st.lists(st.sampled_from(KEYS), min_size=1, max_size=4),
)
def test_a_path_is_in_the_shape_exactly_when_the_message_has_it(
    message: dict[str, Any], path: list[str]
) -> None:
    key = numindex.path_key(tuple(path))
    if key is None:
        return  # not answered by the index
    has = get_path(message, tuple(path)) is not MISSING
    assert (needle(key) in message_paths(message)) == has


def _store(tmp_path: Path, messages: list[dict[str, Any]]) -> tuple[Store, int, list[Any]]:
    store = Store(tmp_path)
    sid = store.open_session("s").id
    evs = [event(m, session_id=sid, message_id=f"m{i}") for i, m in enumerate(messages)]
    store.allocate(None, evs)
    store.write([], evs)
    return store, sid, evs


MESSAGES = [
    {"type": "identify", "traits": {"email": "a@b", "age": 3}},
    {"type": "identify", "traits": {"age": 4}},
    {"type": "track", "event": "x", "properties": {"revenue": 1}},
    {"type": "track", "event": "y", "properties": {"revenue": None}},
    {"type": "track", "event": "z", "properties": {}},
    {"type": "page", "name": "p"},
]
QUERIES = [
    "has:traits.email",
    "has:traits",
    "has:properties.revenue",
    "type:identify has:traits.email",
    "-has:properties.revenue",
    "has:type",
    "has:nothing",
]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=12), st.integers(0, 12))
def test_answers_with_the_index_full_half_or_empty(
    tmp_path_factory: Any, messages: list[dict[str, Any]], indexed: int
) -> None:
    store, sid, evs = _store(tmp_path_factory.mktemp("shapes"), messages)
    store.index_all()  # free text first, then shapes: all of them
    if indexed < len(messages):  # or only some
        with sqlite3.connect(store.data_dir / INDEX_NAME) as ix:
            ix.execute(f"DELETE FROM {shapeindex.TABLE} WHERE id > ?", (evs[0].id + indexed,))
            ix.execute(
                "INSERT OR REPLACE INTO index_progress VALUES (?, ?)",
                (shapeindex.PROGRESS_KEY, evs[0].id + indexed - 1),
            )
    reader = store.read
    for q in QUERIES:
        cq = compile_query(q, index=reader)
        want = [e.id for e in evs if cq.matches(e)]
        assert reader.event_ids(sid, cq.where, cq.params) == want, q
        assert cq.count(reader, sid) == len(want), q
    store.close()


def test_filled_after_free_text_and_forgotten_with_the_session(tmp_path: Path) -> None:
    store, sid, _ = _store(tmp_path, MESSAGES)
    other = store.open_session("o").id
    evs = [event(m, session_id=other, message_id=f"o{i}") for i, m in enumerate(MESSAGES)]
    store.allocate(None, evs)
    store.write([], evs)
    assert store.index_pending(4) == 4
    assert store._scalar(f"SELECT COUNT(*) FROM {shapeindex.TABLE}") == 0  # free text first
    store.index_all()
    assert store._scalar(f"SELECT COUNT(*) FROM {shapeindex.TABLE}") == 12
    assert store._scalar(f"SELECT COUNT(*) FROM {shapeindex.SHAPES}") == 5  # x and y alike
    store.clear(sid)
    assert store._scalar(f"SELECT COUNT(*) FROM {shapeindex.TABLE}") == 6
    store.delete_session("o")
    assert store._scalar(f"SELECT COUNT(*) FROM {shapeindex.TABLE}") == 0
    store.close()


def test_bounded_in_shapes(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(shapeindex, "MAX_SHAPES", 2)
    store, sid, evs = _store(tmp_path, MESSAGES)
    store.index_all()  # ends: the third shape stops the shape index, nothing loops
    assert store._scalar(f"SELECT COUNT(*) FROM {shapeindex.SHAPES}") == 2
    assert shapeindex.progress(store.read.conn) == evs[1].id
    for q in QUERIES:
        cq = compile_query(q, index=store.read)
        want = [e.id for e in evs if cq.matches(e)]
        assert store.read.event_ids(sid, cq.where, cq.params) == want, q
        assert cq.count(store.read, sid) == len(want), q
    store.close()


def test_a_store_without_the_index_is_read_as_before(tmp_path: Path) -> None:
    """An older store opened read-only has no index file: has: reads the rows."""
    store, sid, evs = _store(tmp_path, MESSAGES)
    store.index_all()
    store.close()
    for f in tmp_path.glob(INDEX_NAME + "*"):
        f.unlink()
    old = Store(tmp_path, read_only=True)
    cq = compile_query("has:traits.email", index=old.read)
    assert shapeindex.TABLE not in cq.where
    assert old.event_ids(sid, cq.where, cq.params) == [evs[0].id]
    assert cq.count(old.read, sid) == 1
    old.close()
