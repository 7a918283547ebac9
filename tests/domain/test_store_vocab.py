"""Hints from a stored session: distinct values by skip scan, paths from the newest messages,
no claim where the store cannot list cheaply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspector.domain import store_vocab
from inspector.domain.query import parse
from inspector.domain.store import Store
from inspector.domain.store_vocab import distinct_values, query_hints, session_vocabulary
from inspector.testing.events import event


def _write(store: Store, sid: int, messages: list[dict[str, Any]]) -> None:
    evs = [event(m, session_id=sid, message_id=f"m{i}") for i, m in enumerate(messages)]
    store.allocate(None, evs)
    store.write([], evs)


MESSAGES = [
    {"type": "track", "event": "Order Completed", "properties": {"revenue": 3}},
    {"type": "track", "event": "order completed"},
    {"type": "track", "event": "Zoë Signed Up"},
    {"type": "page", "name": "Home", "properties": {"path": "/"}},
    {"type": "Track", "event": "Cart Viewed"},
]


def test_distinct_values_one_probe_per_value(tmp_path: Path) -> None:
    store = Store(tmp_path)
    other = store.open_session("other").id
    sid = store.open_session("s").id
    _write(store, other, [{"type": "track", "event": "Elsewhere"}])
    _write(store, sid, MESSAGES)
    events = distinct_values(store.read, sid, "event")
    assert events is not None and {e.lower() for e in events} == {
        "order completed",
        "zoë signed up",
        "cart viewed",
    }
    assert len(events) == 3  # one of each case-insensitive spelling, no NULL, no other session
    types = distinct_values(store.read, sid, "type")
    assert types is not None and {t.lower() for t in types} == {"track", "page"}
    store.close()


def test_hints_from_the_store(tmp_path: Path, monkeypatch) -> None:
    store = Store(tmp_path)
    sid = store.open_session("s").id
    _write(store, sid, MESSAGES)
    texts = [h.text for h in query_hints(store.read, sid, parse("event:Cart-Viewed"))]
    assert texts == ["no event is named “Cart-Viewed” — did you mean Cart Viewed?"]
    assert query_hints(store.read, sid, parse("event:ORDER*")) == []
    assert query_hints(store.read, sid, parse("name:Hom")) == []  # names are not listed
    assert query_hints(store.read, sid, parse("")) == []
    texts = [h.text for h in query_hints(store.read, sid, parse("properties.revenu:>1"))]
    assert texts and "did you mean properties.revenue?" in texts[0]
    monkeypatch.setattr(store_vocab, "SAMPLE", 2)  # the newest two messages have no revenue
    vocab = session_vocabulary(store.read, sid)
    assert vocab.observed == 2 and vocab.total == 5 and vocab.sampled
    text = query_hints(store.read, sid, parse("properties.revenue:>1"))[0].text
    assert text.startswith("no event has a field properties.revenue (in the last 2 events)")
    monkeypatch.setattr(store_vocab, "MAX_VALUES", 2)  # too many to list: no claim
    assert query_hints(store.read, sid, parse("event:Nothing")) == []
    store.close()
