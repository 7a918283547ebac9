"""Hints for valid queries that cannot match what the session holds (the filter bar's help)."""

from __future__ import annotations

from inspector.domain.query import parse
from inspector.domain.query.hints import Vocabulary, hints

RULES = {"E005", "W030", "I001"}


def _vocab() -> Vocabulary:
    v = Vocabulary()
    for m in (
        {
            "type": "track",
            "event": "Order Completed",
            "properties": {
                "revenue": 19.99,
                "currency": "EUR",
                "products": [{"sku": "p-1", "price": 5}],
            },
            "context": {"library": {"name": "analytics-python"}},
            "channel": "server",
        },
        {
            "type": "track",
            "event": "Order Completed",
            "properties": {"revenue": 5, "currency": "USD"},
        },
        {"type": "identify", "traits": {"plan": "pro", "beta": True}},
        {"type": "track", "event": "Cart Viewed", "properties": {"price": "12"}},
    ):
        v.observe(m)
    v.add_values("type", ["track", "identify"])
    v.add_values("event", ["Order Completed", "Cart Viewed"])
    v.add_values("rule", ["E005"])
    v.total = v.observed
    return v


def _texts(q: str) -> list[str]:
    return [h.text for h in hints(parse(q), _vocab(), RULES)]


def test_a_misspelt_type_gets_did_you_mean():
    assert _texts("type:trak") == ["no event has type “trak” — did you mean track?"]
    assert _texts("-type:trak") == ["no event has type “trak” — did you mean track?"]
    assert _texts("type:screen") == []  # a call type that is simply absent is no typo
    assert _texts("type:TRACK") == []


def test_an_unknown_field_is_named():
    assert _texts("foo:bar") == ["no event has a field foo"]
    assert _texts("properties.revnue:5") == [
        "no event has a field properties.revnue — did you mean properties.revenue?"
    ]
    assert _texts("revenue:5") == [
        "no event has a field revenue — did you mean properties.revenue?"
    ]
    assert _texts("has:context.app.version")[0].startswith("no event has a field context.app")
    assert _texts("properties.products.3.sku:p-1") == []  # any array index
    assert _texts("properties:x") == []  # an object that exists
    assert _texts("channel:server") == []


def test_comparisons_that_cannot_match_say_why():
    (h,) = _texts("properties.revenue:>abc")
    assert h.startswith("properties.revenue holds numbers here; “abc” is not a number")
    assert "properties.revenue:>30" in h
    (h,) = _texts("properties.price:>10")
    assert "holds text here" in h and "compares numbers only" in h
    assert _texts("properties.revenue:>10") == []
    assert _texts("properties.revenue:abc") == [
        "properties.revenue holds numbers here; “abc” is not a number"
    ]
    assert _texts('properties.revenue:"5"') == [
        "properties.revenue holds number here; a quoted or * value matches text only"
    ]
    assert _texts("traits.beta:maybe") == ["traits.beta holds true or false here, not “maybe”"]


def test_event_names_rules_and_sampling():
    assert _texts('event:"Order Complted"') == [
        "no event is named “Order Complted” — did you mean Order Completed?"
    ]
    assert _texts("event:order*") == []  # globs are not checked
    assert _texts("rule:e005") == ["there is no lint rule “e005” — did you mean E005?"]
    assert _texts("rule:W030") == ["no event in this session has a finding of rule W030"]
    v = _vocab()
    v.total = 10_000
    (h,) = (x.text for x in hints(parse("foo:1"), v, RULES))
    assert h == f"no event has a field foo (in the last {v.observed:,} events)"
    assert hints(parse("foo:1"), Vocabulary(), RULES) == []  # nothing seen: no claim


def test_vocabulary_is_bounded_and_offers_paths_and_values():
    v = _vocab()
    names = v.path_names()
    assert "properties.currency" in names and "properties.products.0.sku" in names
    assert "type" not in names and "event" not in names
    assert v.path_values("properties.currency") == ["EUR", "USD"]
    big = Vocabulary()
    for i in range(200):
        big.observe(
            {
                "properties": {f"k{j}": i for j in range(50)},
                "deep": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}},
            }
        )
    assert len(big.paths) <= 4000
    assert len(big.paths["properties.k0"].values) <= 40
    assert "deep.a.b.c.d.e.f" not in big.paths
