"""Counts through the door (``CompiledQuery.count``) are the row-by-row answer: the number of
events the predicate matches, whichever cheaper read answers them (the number index for a
lone comparison, total less positive for a negation), with the session alone in the store,
between others, interleaved with another (no id span), and the number index empty, half
filled or complete."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from inspector.domain.capture import CapturedEvent
from inspector.domain.query import QueryError, compile_query, ftsindex, shapeindex
from inspector.domain.query.ast import And, MatchAll, Not
from inspector.domain.query.counting import ROWS, Numbers, Paths, split_negation, split_severity
from inspector.domain.query.indexer import INDEX_NAME
from inspector.domain.query.parser import parse_ast, simplify
from inspector.domain.store import Store
from inspector.domain.store_span import session_span
from inspector.testing.events import event

from .conftest import corpus
from .test_agreement import IDENTITY, expr
from .test_number_index import COMPARISONS, MESSAGES

LAYOUTS = ("alone", "between", "interleaved")


class People:
    def identifiers_of(self, value: str) -> set[str]:
        return IDENTITY.get(value, {value})


def _events(sid: int) -> list[CapturedEvent]:
    evs = corpus()
    for e in evs:
        e.session_id = sid
    extra = [event(m, session_id=sid, message_id=f"n{i}") for i, m in enumerate(MESSAGES)]
    return evs + extra


def _write(store: Store, evs: list[CapturedEvent]) -> None:
    store.allocate(None, evs)
    store.write([], evs)


class Layout:
    def __init__(self, store: Store, session_id: int, span: bool) -> None:
        self.store, self.session_id, self.span = store, session_id, span
        self.events = store.events(session_id, limit=None)


def _layout(path: Path, layout: str, indexed: int | None) -> Layout:
    store = Store(path)
    before = store.open_session("before").id
    sid = store.open_session("counted").id
    after = store.open_session("after").id
    evs = _events(sid)
    if layout == "alone":
        _write(store, evs)
    elif layout == "between":
        _write(store, _events(before))
        _write(store, evs)
        _write(store, _events(after))
    else:
        _write(store, evs[:5])
        _write(store, _events(before))
        _write(store, evs[5:])
    if indexed is None:
        store.index_all()  # free text and numbers, then shapes
    elif indexed:  # the first events in each index (the indexer fills shapes after the rest)
        store.index_pending(indexed)
        rows = store.select("SELECT id, message FROM events ORDER BY id LIMIT ?", (indexed,))
        with sqlite3.connect(store.data_dir / INDEX_NAME) as ix:
            last = shapeindex.index_rows(ix, rows)
            ix.execute("INSERT INTO index_progress VALUES (?, ?)", (shapeindex.PROGRESS_KEY, last))
    return Layout(store, sid, layout != "interleaved")


@pytest.fixture(
    scope="module",
    params=[(lay, n) for lay in LAYOUTS for n in (0, 7, None)],
    ids=lambda p: f"{p[0]}-{'all' if p[1] is None else p[1]}",
)
def layout(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    lay, n = request.param
    got = _layout(tmp_path_factory.mktemp("counting"), lay, n)
    yield got
    got.store.close()


def _check(lay: Layout, text: str) -> tuple[int, Any]:
    reader = lay.store.read
    cq = compile_query(text, People(), index=reader)
    expected = sum(1 for e in lay.events if cq.matches(e))
    assert reader.count(lay.session_id, cq.where, cq.params) == expected, text
    assert cq.count(reader, lay.session_id) == expected, text
    return expected, cq


@pytest.mark.parametrize("text", [*COMPARISONS, "properties.revenue:>10", "traits.age:<50"])
def test_comparisons_count_as_the_predicate(layout: Layout, text: str) -> None:
    _check(layout, text)


def test_a_lone_comparison_is_counted_from_the_index_when_the_session_is_a_range(
    layout: Layout,
) -> None:
    reader = layout.store.read
    n, cq = _check(layout, "properties.revenue:>=30")
    assert n == 7  # 30, 299.99, 1e3 in the corpus; 30, 299.99, 2**70, 1e300 in MESSAGES
    got = reader.count_indexed(
        layout.session_id, Numbers("properties.revenue", ">=", 30), cq.where, cq.params
    )
    assert got == (n if layout.span else None)


HAS = [
    "has:properties.revenue",
    "has:properties",
    "has:traits.email",
    "type:identify has:traits.email",
    "-has:traits.email",
    "has:properties.products.0.sku",  # inside an array: not in the index, still answered
    "has:properties.none",  # a JSON null is there
    "has:properties.my-key",
    "has:properties.2024",  # an all-digit key: an array index to the query, never indexed
    "has:nothing.here",
    "has:context or has:traits",
]


@pytest.mark.parametrize("text", HAS)
def test_has_counts_as_the_predicate(layout: Layout, text: str) -> None:
    _check(layout, text)


def test_has_is_counted_from_the_shape_index_when_the_session_is_a_range(
    layout: Layout,
) -> None:
    reader = layout.store.read
    n, cq = _check(layout, "has:traits")
    assert n == 3  # the corpus's identify and group calls; MESSAGES' identify
    got = reader.count_indexed(layout.session_id, Paths("traits"), cq.where, cq.params)
    assert got == (n if layout.span else None)


@pytest.mark.parametrize(
    "text",
    [
        'type:track -event:"Order Completed" -lint:none',
        '-event:"Order Completed"',
        "-properties.revenue:>100",
        'type:track -"zoë"',
        "type:track -user:u1 lint:none",
        '-(type:track -event:"Order Completed")',
        "-dup:true -lint:error",
    ],
)
def test_negations_count_as_the_predicate(layout: Layout, text: str) -> None:
    _check(layout, text)


@pytest.mark.parametrize(
    "text",
    [
        'event:"Order Completed" lint:warning',
        "lint:info",
        "lint:warning",
        "lint:error",
        "type:track lint:info -dup:true",
        'lint:warning -event:"Order Completed"',
        "lint:warning lint:<error",
        "lint:info or type:page",
    ],
)
def test_severities_count_as_the_predicate(layout: Layout, text: str) -> None:
    _check(layout, text)


def test_a_severity_splits_into_at_its_level_and_above_it() -> None:
    def split(text: str) -> Any:
        return split_severity(simplify(parse_ast(text)))

    at, above = split('event:"Order Completed" lint:warning')
    assert isinstance(at, And) and isinstance(above, And)
    assert [str(i) for i in at.items[1:]] == [
        "LintTerm(op='>=', level=2)",
        "LintTerm(op='<=', level=2)",
    ]
    assert [str(i) for i in above.items[1:]] == [
        "LintTerm(op='>', level=2)",
        "LintTerm(op='has', level=2)",
    ]
    assert split("lint:error") is None  # the level alone says it: nothing to split
    assert split("lint:warning lint:info") is None  # two lint terms
    assert split("lint:none") is None
    assert split_severity(above) is None and split_severity(at) is None  # no recursion


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=expr())
def test_any_query_counts_as_the_predicate(text: str) -> None:
    for lay in _LAYOUTS:
        try:
            _check(lay, text)
        except QueryError:
            return


_LAYOUTS: list[Layout] = []


@pytest.fixture(scope="module", autouse=True)
def _layouts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Two stores for the hypothesis test: a range, half indexed; interleaved."""
    _LAYOUTS[:] = [
        _layout(tmp_path_factory.mktemp("between"), "between", 9),
        _layout(tmp_path_factory.mktemp("interleaved"), "interleaved", None),
    ]
    yield
    for lay in _LAYOUTS:
        lay.store.close()


def test_a_negation_splits_into_total_less_positive() -> None:
    def split(text: str) -> Any:
        return split_negation(simplify(parse_ast(text)))

    rest, positive = split('type:track -event:"Order Completed" -lint:none')
    assert isinstance(rest, And) and len(rest.items) == 2
    assert isinstance(positive, And) and len(positive.items) == 3
    assert not any(
        isinstance(i, Not) and not i.item.__class__.__name__.startswith("Lint")
        for i in positive.items
    )
    rest, positive = split("-foo")
    assert rest == MatchAll()
    assert split("-foo -bar") is None  # two: inclusion-exclusion is not worth it
    assert split("-lint:none") is None  # as cheap as its positive
    assert split("foo or -bar") is None


def test_spans(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.open_session("a").id
    b = store.open_session("b").id
    c = store.open_session("c").id
    conn = store.read.conn
    assert session_span(conn, a) is None  # empty
    _write(store, _events(a))
    _write(store, _events(b))
    _write(store, _events(a)[:2])  # a: no longer one range
    _write(store, _events(c))
    ids_b = [e.id for e in store.events(b, limit=None)]
    assert session_span(conn, b) == (min(ids_b), max(ids_b))
    assert session_span(conn, a) is None
    ids_c = [e.id for e in store.events(c, limit=None)]
    assert session_span(conn, c) == (min(ids_c), max(ids_c))
    store.delete_session("b")
    ids_a = [e.id for e in store.events(a, limit=None)]
    assert session_span(conn, a) == (min(ids_a), max(ids_a))  # nothing else in between now
    store.clear(a)
    assert session_span(conn, a) is None
    assert session_span(conn, c) == (min(ids_c), max(ids_c))
    store.close()


def test_counts_read_an_index_alone_where_one_holds_the_answer(tmp_path: Path) -> None:
    """No sources join, no row read, unless the query reads a source's columns."""
    store = Store(tmp_path)
    reader = store.read

    def plan(text: str) -> str:
        cq = compile_query(text, index=reader)
        rows = reader.rows("EXPLAIN QUERY PLAN " + reader.count_sql(cq.where), (1, *cq.params))
        return " | ".join(r[3] for r in rows)

    for text in ("lint:error", "rule:x", 'type:track event:"Order Completed"', "type:a -lint:none"):
        assert "COVERING INDEX" in plan(text) and "sources" not in plan(text), text
    assert "sources" in plan("lib:analytics.js")
    assert "sources" in plan("writekey:WK1 type:track")
    store.close()


FREE_TEXT = ["track", "revenue", "-track", "track -screen", "price or zip", "zzz", "re*nue"]


@pytest.mark.parametrize("text", FREE_TEXT)
def test_free_text_counts_as_the_predicate(
    layout: Layout, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check(layout, text)  # rare trigrams: candidates from the free-text index
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 0)  # every trigram common: rows are read
    _check(layout, text)


def test_a_scanned_free_text_count_reads_the_session_as_an_id_range(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Free text that no index narrows is counted over the session's id range of the table
    (one pass in id order) when the session is one, else by the plain count."""
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 0)
    reader = layout.store.read
    seen: list[tuple[Any, int | None]] = []
    real = type(reader).count_indexed

    def spy(self: Any, sid: int, index: Any, where: str, params: Any = ()) -> int | None:
        got = real(self, sid, index, where, params)
        seen.append((index, got))
        return got

    monkeypatch.setattr(type(reader), "count_indexed", spy)
    n, _ = _check(layout, "track")
    assert seen == [(ROWS, n if layout.span else None)]
    seen.clear()
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 20_000)  # candidates: the plain count
    _check(layout, "track")
    assert seen == []
