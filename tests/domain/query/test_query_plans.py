"""Plans chosen from the data give the answers of the predicate: rare trigrams only, driving
from the index's candidates or walking the session, pages by count, LIKE plus Unicode."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.domain import store_read
from inspector.domain.capture import CapturedEvent
from inspector.domain.query import compile_query, ftsindex, numindex
from inspector.domain.store import Store
from inspector.testing.events import event

NAMES = ["Kelvin", "KELVIN", "\u212aelvin", "stra\u00dfe", "STRASSE", "o\ufb03ce", "office"]


def _store(tmp_path: Path, n: int = 400) -> tuple[Store, int, list[CapturedEvent]]:
    store = Store(tmp_path)
    sid = store.open_session("s").id
    evs = []
    for i in range(n):
        name = NAMES[i % len(NAMES)] if i % 5 == 0 else f"Common {i % 3}"
        message = {
            "type": "track",
            "event": name,
            "userId": f"user-{i:05d}",
            "properties": {"n": i, "tag": "blue shirt" if i % 2 else "red hat"},
        }
        evs.append(event(message, session_id=sid, message_id=f"m{i}"))
    store.allocate(None, evs)
    store.write([], evs[: n // 2])
    store.index_all()  # the first half is indexed, the rest is not yet
    store.write([], evs[n // 2 :])
    return store, sid, evs


QUERIES = [
    "kelvin",
    "strasse",
    "office",
    "blue shirt",
    '"blue shirt"',
    "user-00123",
    "user-0012*",
    "userId:user-00042",
    "common -kelvin",
    "red hat properties.n:>300",
    "zzz-nowhere",
    "properties.n:>=390",
    "properties.n:<3 or kelvin",
    "-properties.n:<390 type:track",
    "properties.n:>1e9",
    "properties.n:<=-1",
    "properties.tag:>a",
]


@pytest.mark.parametrize("rare", [20_000, 1])  # every trigram rare / every trigram common
@pytest.mark.parametrize("walk", [0, 10**9])  # pages: select then order / walk in order
@pytest.mark.parametrize("rare_rows", [100_000, 1])  # comparisons from the number index / not
def test_every_plan_answers_as_the_predicate(
    tmp_path: Path, monkeypatch, rare: int, walk: int, rare_rows: int
) -> None:
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", rare)
    monkeypatch.setattr(store_read, "WALK_ROWS", walk)
    monkeypatch.setattr(numindex, "RARE_ROWS", rare_rows)
    store, sid, evs = _store(tmp_path)
    reader = store.reader()
    for q in QUERIES:
        cq = compile_query(q, index=reader)
        if rare_rows > 1 and "properties.n:" in q:
            assert "events_num" in cq.where, q  # driven from the number index
        want = [e.id for e in evs if cq.matches(e)]
        total = reader.count(sid, cq.where, cq.params)
        assert total == len(want), q
        assert reader.event_ids(sid, cq.where, cq.params) == want, q
        for limit, offset in ((100, 0), (3, 2), (None, 0)):
            for known in (None, total):
                rows = reader.page_rows(
                    sid, cq.where, cq.params, limit=limit, offset=offset, total=known
                )
                end = None if limit is None else offset + limit
                assert [r[0] for r in rows] == want[offset:end], (q, limit, offset, known)
        desc = reader.page_rows(sid, cq.where, cq.params, limit=5, descending=True, total=total)
        assert [r[0] for r in desc] == want[::-1][:5], q
    reader.close()


def test_unicode_folding_is_exact_where_like_is_not(tmp_path: Path) -> None:
    store, sid, _ = _store(tmp_path)
    cq = compile_query("kelvin")
    got = {e.message["event"] for e in store.events(sid, cq.where, cq.params, limit=None)}
    assert got == {"Kelvin", "KELVIN", "\u212aelvin"}  # the Kelvin sign folds to k
    cq = compile_query("strasse")
    got = {e.message["event"] for e in store.events(sid, cq.where, cq.params, limit=None)}
    assert got == {"stra\u00dfe", "STRASSE"}


def test_only_rare_trigrams_are_looked_up(tmp_path: Path) -> None:
    store, _sid, _evs = _store(tmp_path)
    seen: list[str] = []

    def docs(gram: str, cap: int) -> int:
        seen.append(gram)
        return store.read.fts_docs(gram, cap)

    expr = ftsindex.match_expr(["user-00123"], docs)
    assert expr is not None and expr.count(" AND ") <= ftsindex.GRAMS_PER_NEEDLE - 1
    assert set(seen) == set(ftsindex.trigrams("user-00123"))
    assert ftsindex.match_expr(["user-00123"], lambda g, cap: cap) is None  # all common
