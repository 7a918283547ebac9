"""Both compilation targets give the same answer on the same corpus (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.domain.query import MatchContext, QueryError, parse

from .conftest import Corpus

IDENTITY = {
    "u1": {"u1", "a1", "U1"},
    "a1": {"u1", "a1", "U1"},
    "u2": {"u2", "a3"},
    "a3": {"u2", "a3"},
}
CTX = MatchContext(identifiers_of=lambda i: IDENTITY.get(i, {i}))

WORDS = [
    "order",
    "Order Completed",
    "ORDER",
    "zoë",
    "ZOË",
    "straße",
    "STRASSE",
    "strasse",
    "k",
    "K",
    "\u212a",
    "ss",
    "30",
    "30.0",
    "-5",
    "1e3",
    "true",
    "false",
    "null",
    "hi",
    'Say \\"hi\\"',
    "line",
    "example",
    "pro*",
    "Pro*",
    "*",
    "o*d",
    "u1",
    "U1",
    "a1",
    "x",
    "é",
    "settings",
    "ſettings",
    "user_100%",
    "%",
    "_",
    "SKU-1",
    "12345678901234",
]
FIELDS = [
    "type",
    "event",
    "name",
    "userId",
    "userid",
    "anonymousId",
    "previousId",
    "groupId",
    "messageId",
    "user",
    "writekey",
    "lib",
    "rule",
    "properties.revenue",
    "properties.price",
    "properties.flag",
    "properties.none",
    "properties.name",
    "traits.email",
    "traits.name",
    "traits.age",
    "properties.products.0.sku",
    "properties.tags",
    "properties.x",
    "context.app.version",
    "properties.kelvin",
    "properties.note",
    "traits.plan",
    "properties.big",
]
VALUES = [
    "track",
    "TRACK",
    "Track",
    "identify",
    "order completed",
    "Order*",
    "*ed",
    "u1",
    "U1",
    "a1",
    "a3",
    "u2",
    "7",
    "g-1",
    "m1",
    "WK1",
    "WK2",
    "analytics.js",
    "ANALYTICS*",
    "rudder-sdk-python",
    "revenue-string",
    "missing-*",
    "30",
    "30.0",
    "-5",
    "0",
    "0.5",
    "true",
    "false",
    "null",
    "Zoë",
    "zoë",
    "Straße",
    "ZOË@example.com",
    "1.2.3",
    "1.*",
    "SKU-1",
    "x",
    "Pro*",
    "\u212a",
    "12345678901234",
    "1e3",
]
QUOTED = ['"Order Completed"', '"30"', '"Pro*"', '"Zoë"', '""', '"a b"']
CMPS = [">30", ">=30", "<30", "<=0", ">-10", ">1e2", ">abc", "<Z", ">=1.2", ">0.1"]
REGEXES = ["/^Order/", "/order/i", "/^u[0-9]$/", "/ë/", "/\\d+/", "/^$/", "/K/i"]


def _phrase(w: str) -> str:
    return '"' + w.replace("\\", "").replace('"', "") + '"'


def leaf() -> st.SearchStrategy[str]:
    field_value = st.tuples(
        st.sampled_from(FIELDS), st.sampled_from(VALUES + QUOTED + REGEXES)
    ).map(":".join)
    path_cmp = st.tuples(
        st.sampled_from([f for f in FIELDS if "." in f]), st.sampled_from(CMPS)
    ).map(":".join)
    fixed = st.sampled_from(
        [
            "lint:error",
            "lint:warning",
            "lint:info",
            "lint:none",
            "lint:>=warning",
            "lint:<error",
            "dup:true",
            "dup:no",
            "has:properties.flag",
            "has:properties.none",
            "has:traits",
            "has:properties.products.0",
            "has:properties.products.1",
            "rule:revenue-string",
            "rule:*-*",
            "rule:/curr/",
        ]
    )
    free = st.one_of(
        st.sampled_from(WORDS).map(lambda w: w if " " not in w and '"' not in w else f'"{w}"'),
        st.sampled_from(WORDS).map(_phrase),
        st.sampled_from(REGEXES),
    )
    return st.one_of(field_value, path_cmp, fixed, free)


def expr() -> st.SearchStrategy[str]:
    return st.recursive(
        leaf(),
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(" ".join),
            st.tuples(inner, inner).map(" or ".join),
            inner.map(lambda e: f"-({e})"),
            inner.map(lambda e: f"not {e}"),
            inner.map(lambda e: f"({e})"),
        ),
        max_leaves=6,
    )


def both(c: Corpus, text: str, ctx: MatchContext | None) -> tuple[set[int], set[int]]:
    q = parse(text)
    py = {e.id for e in c.events if q.matches(e, ctx)}
    where, params = q.to_sql(ctx)
    sql = set(c.store.event_ids(c.session_id, where, params))
    return py, sql


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr(), st.booleans())
def test_python_and_sql_agree(stored: Corpus, text: str, with_ctx: bool) -> None:
    try:
        py, sql = both(stored, text, CTX if with_ctx else None)
    except QueryError:
        return
    assert py == sql, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr())
def test_agree_with_the_store_indexes_asked(stored: Corpus, text: str) -> None:
    """Compiled as every door compiles it (the reader's rare trigrams, comparisons from the
    number index, which holds part of the corpus), SQL still gives the predicate's answer."""
    reader = stored.store.read
    ctx = MatchContext(
        identifiers_of=CTX.identifiers_of, fts_docs=reader.fts_docs, num_rows=reader.num_rows
    )
    try:
        py, sql = both(stored, text, ctx)
    except QueryError:
        return
    assert py == sql, text


@settings(max_examples=150, deadline=None)
@given(leaf())
def test_leaves_agree_and_count(stored: Corpus, text: str) -> None:
    py, sql = both(stored, text, CTX)
    assert py == sql, text
    where, params = parse(text).to_sql(CTX)
    assert stored.store.count_events(stored.session_id, where, params) == len(py)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_string_parses_or_raises_query_error(stored: Corpus, text: str) -> None:
    try:
        q = parse(text)
    except QueryError as e:
        assert 1 <= e.column <= len(text) + 1
        assert str(e).startswith(f"column {e.column}: ")
        return
    # whatever parses also runs on both targets, and they agree
    py, sql = both(stored, text, None)
    assert py == sql, text
    assert q.text == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab:"()/-<>=* \\orntOR.i')), max_size=25))
def test_operator_soup_never_crashes(stored: Corpus, text: str) -> None:
    try:
        py, sql = both(stored, text, CTX)
    except QueryError:
        return
    assert py == sql, text
