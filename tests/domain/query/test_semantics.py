"""Every field and operator, on the stored corpus, through both targets."""

from __future__ import annotations

import pytest

from inspector.domain.query import FIELDS, MatchContext, Query, QueryError, parse

from .conftest import Corpus

CTX = MatchContext(identifiers_of=lambda i: {"u2", "a3"} if i in ("u2", "a3") else {i})


def hits(c: Corpus, text: str, ctx: MatchContext | None = None) -> list[int]:
    """Corpus indexes matched; asserts the SQL answer equals the Python one."""
    q = parse(text)
    py = [i for i, e in enumerate(c.events) if q.matches(e, ctx)]
    where, params = q.to_sql(ctx)
    ids = set(c.store.event_ids(c.session_id, where, params))
    assert [i for i, e in enumerate(c.events) if e.id in ids] == py, text
    return py


CASES = [
    ("", list(range(10))),
    ("   ", list(range(10))),
    ("type:track", [0, 1, 2, 7, 9]),  # case-insensitive: Track too
    ("TYPE:TRACK", [0, 1, 2, 7, 9]),
    ('type:track event:"order completed"', [0, 1, 2]),
    ("event:Order*", [0, 1, 2]),
    ("event:zoë*", [7]),
    ('event:"ZOË SIGNED UP"', [7]),
    ("name:settings", [8]),  # ſ (long s) folds to s
    ("name:home", [4]),
    ("userId:u1", [0]),  # ids are exact
    ("userid:U1", [1]),
    ("userId:7", [6]),  # a numeric id as its JSON text
    ("userId:u*", [0, 3, 5, 7, 8, 9]),
    ("anonymousId:a1", [0, 3]),
    ("previousId:a3", [5]),
    ("groupId:g-1", [6]),
    ("messageId:m2", [1]),
    ("writekey:WK2", [5]),
    ("lib:analytics-python", [3]),
    ("lib:rudder-sdk-python", [3]),  # the detected client
    ("lib:ANALYTICS.JS", [0, 1, 2, 4, 5, 7, 9]),
    ("user:a3", [4, 5]),
    ("lint:error", [1, 4]),
    ("lint:warning", [0, 1]),  # any warning, even when the highest is error
    ("lint:info", [2]),
    ("lint:none", [3, 5, 6, 7, 8, 9]),
    ("lint:>=warning", [0, 1, 4]),
    ("-lint:none", [0, 1, 2, 4]),
    ("rule:missing-currency", [0, 1]),
    ("rule:*-string", [1, 4]),
    ("rule:/^unknown/", [2]),
    ("dup:true", [1, 7]),
    ("dup:no", [0, 2, 3, 4, 5, 6, 8, 9]),
    ("has:properties.none", [1]),  # a JSON null exists
    ("has:properties.products.0.sku", [0]),
    ("-has:properties", [3, 5, 6, 8]),
    ("properties.revenue:30", [0, 1]),  # the number 30, or the string "30"
    ("properties.price:30", [0, 7]),  # 30.0 == 30; and the string "30"
    ('properties.price:"30"', [7]),  # quoted: the string only
    ("properties.price:30.0", [0]),
    ("properties.revenue:>30", [2, 7]),
    ("properties.revenue:>=30", [0, 2, 7]),
    ("properties.revenue:<=0", [9]),
    ("properties.price:<0", [2]),
    ("properties.revenue:1e3", [7]),
    ("properties.big:>12345678901233", [7]),
    ("properties.price:>2", [0, 1]),  # strings are not numbers
    ("properties.price:>29", [0, 1]),  # numbers only: not the string "30"
    ("properties.name:>Z", [2]),  # string comparison
    ("properties.flag:true", [1]),
    ("properties.flag:false", [2]),
    ("properties.none:null", [1]),
    ("properties.none:true", []),
    ("properties.products.0.sku:SKU-1", [0]),
    ("properties.products.0.sku:sku-1", []),  # paths are exact
    ("traits.email:ZOË@*", [3]),
    ("traits.plan:Pro*", [6]),  # a glob matches the literal too
    ('traits.plan:"Pro*"', [6]),
    ('traits.plan:"Pro"', []),
    ("context.app.version:/^1\\.2/", [8]),
    ("properties.name:/zoë/i", [2]),
    ("properties.x:1", []),  # objects never equal a value
    ("properties.kelvin:k", []),
    ("properties.kelvin:\u212a", [7]),
    ("zoë", [2, 3, 7]),  # free text: Unicode casefold
    ("ZOË", [2, 3, 7]),
    ("strasse", [3]),  # ß folds to ss
    ("k", [0, 1, 2, 7, 9]),  # "track" (and the Kelvin sign in 7)
    ('"order completed"', [0, 1, 2]),
    ('"say \\"hi\\""', [4]),  # JSON-escaped phrase
    ('"line\\nbreak"', []),
    ("revenue-string", []),  # lint is not in the message
    ("o*d", [0, 1, 2, 3, 4, 5, 6, 7, 9]),
    ("ed*up", [7]),
    ("ord*comp", [0, 1, 2]),
    ("/Order Comp/", [0]),
    ("/order comp/i", [0, 1, 2]),
    ("user_100%", [9]),
    ('type:track -event:"order completed"', [7, 9]),
    ("not type:track", [3, 4, 5, 6, 8]),
    ("type:page or type:screen", [4, 8]),
    ("type:page OR type:screen dup:true", [4]),  # AND binds tighter than OR
    ("(type:page OR type:screen) -name:home", [8]),
    ("type:track and -(event:order* or dup:true)", [9]),
    ("--type:track", [0, 1, 2, 7, 9]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_semantics(stored: Corpus, text: str, expected: list[int]) -> None:
    assert hits(stored, text) == expected


def test_user_with_and_without_context(stored: Corpus) -> None:
    assert hits(stored, "user:u2") == [3, 5]
    assert hits(stored, "user:u2", CTX) == [3, 4, 5]  # a3 merged through alias
    assert hits(stored, "user:a*") == [0, 2, 3, 4, 5]
    big = MatchContext(identifiers_of=lambda i: {f"x{n}" for n in range(500)} | {"u1"})
    assert hits(stored, "user:nobody", big) == [0]


def test_free_text_short_needles_and_unicode(stored: Corpus) -> None:
    assert hits(stored, "é") == []
    assert hits(stored, "ë") == [2, 3, 7]


def test_interface() -> None:
    q = parse("type:track properties.revenue:>30")
    assert isinstance(q, Query) and q.text == "type:track properties.revenue:>30"
    assert parse("").to_sql() == ("", [])
    assert parse(" ").matches_all
    assert {
        "type",
        "event",
        "name",
        "userId",
        "anonymousId",
        "previousId",
        "groupId",
        "user",
        "writekey",
        "lib",
        "lint",
        "rule",
        "dup",
        "has",
    } <= set(FIELDS)
    where, params = parse("type:track").to_sql()
    assert where and params


ERRORS = [
    ("(type:track", 1, "unclosed parenthesis"),
    ("a (b or (c)", 3, "unclosed parenthesis"),
    ("type:track or", 12, "dangling 'or'"),
    ("or type:track", 1, "'or' needs a term before it"),
    ("a or or b", 3, "dangling 'or'"),
    ("type:", 6, "empty value for field 'type'"),
    ("type: track", 6, "empty value for field 'type'"),
    ("(event:)", 8, "empty value for field 'event'"),
    ('event:"Order', 7, "unterminated quote"),
    ('"abc', 1, "unterminated quote"),
    ("/abc", 1, "unterminated regex"),
    ("event:/abc", 7, "unterminated regex"),
    ("event:/a(/", 9, "bad regex"),
    ("event:/a/x", 10, "unknown regex flag"),
    ("properties.price:>", 19, "comparison '>' needs a value"),
    ("properties.price:>=<3", 20, "bad comparison"),
    ("type:>3", 6, "does not compare"),
    (">3", 1, "a comparison needs a field"),
    ("a)", 2, "unmatched closing parenthesis"),
    ("()", 1, "empty parentheses"),
    ("not", 1, "'not' needs a term after it"),
    ("a -", 3, "'-' needs a term after it"),
    ("- a", 1, "'-' must be directly followed"),
    ("lint:bad", 6, "lint: takes"),
    ("dup:maybe", 5, "dup: takes true or false"),
    ('has:"x"', 5, "has: needs a dotted path"),
    ("properties..x:1", 1, "bad path"),
    ("a.1234567890:1", 1, "too large"),
    ("(" * 200 + "a", 34, "nested too deeply"),
    ("x\ud800", 2, "invalid character"),
]


@pytest.mark.parametrize(("text", "column", "message"), ERRORS)
def test_errors_are_positioned(text: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as ei:
        parse(text)
    e = ei.value
    assert message in e.message, e
    assert e.column == column, e
    assert str(e) == f"column {e.column}: {e.message}"
