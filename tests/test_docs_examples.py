"""The examples in docs/ work as documented."""

from pathlib import Path

import pytest

from inspector.domain.lint import LintEngine, load_plan
from inspector.domain.query import QueryError, parse

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_example_tracking_plan_loads_and_flags_violations():
    engine = LintEngine(plan=load_plan(DOCS / "tracking-plan.example.yaml"))
    good = {
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        "messageId": "m1",
        "properties": {"order_id": "o1", "revenue": 9.99, "currency": "EUR"},
    }
    assert not {f.rule for f in engine.lint_message(good)} & {
        "W028",
        "W029",
        "E015",
        "E016",
        "E017",
    }
    bad = {
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        "messageId": "m2",
        "properties": {"revenue": "9.99", "currency": "JPY", "extra": 1},
    }
    rules = {f.rule for f in engine.lint_message(bad)}
    assert {"E015", "E016", "E017", "W029"} <= rules
    unplanned = {"type": "track", "event": "Cart Abandoned", "userId": "u1", "messageId": "m3"}
    assert "W028" in {f.rule for f in engine.lint_message(unplanned)}


def test_query_language_doc_examples_parse():
    text = (DOCS / "query-language.md").read_text()
    block = text.split("```\n")[1].split("```")[0]
    for line in filter(None, (x.strip() for x in block.splitlines())):
        parse(line)
    with pytest.raises(QueryError) as err:
        parse("(type:track")
    assert str(err.value).startswith("column ")
