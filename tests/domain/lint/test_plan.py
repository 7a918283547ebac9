"""Tracking plans: Segment JSON Schema rules, the Config-API/RudderStack shape, simple YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.domain.lint import LintEngine, PlanError, load_plan
from tests.domain.lint.helpers import clean, engine

SEGMENT_PLAN = {
    "rules": [
        {
            "type": "TRACK",
            "key": "Order Completed",
            "version": 1,
            "jsonSchema": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "properties": {
                    "context": {},
                    "traits": {},
                    "properties": {
                        "type": "object",
                        "required": ["order_id", "products"],
                        "properties": {
                            "order_id": {"type": "string"},
                            "total": {"type": "number"},
                            "revenue": {"type": "number"},
                            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                            "status": {"enum": ["paid", "pending"]},
                            "products": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["product_id"],
                                    "properties": {"product_id": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
                "required": ["properties"],
            },
        },
        {
            "type": "TRACK",
            "key": "Order Completed",
            "version": 2,
            "jsonSchema": {
                "type": "object",
                "properties": {
                    "properties": {
                        "type": "object",
                        "required": ["order_ref"],
                        "properties": {"order_ref": {"type": "string"}},
                    }
                },
            },
        },
        {
            "type": "IDENTIFY",
            "version": 1,
            "jsonSchema": {
                "type": "object",
                "properties": {
                    "traits": {
                        "type": "object",
                        "properties": {"email": {"type": "string"}, "plan": {"type": "string"}},
                    }
                },
            },
        },
        {
            "type": "COMMON",
            "key": None,
            "version": 1,
            "jsonSchema": {
                "type": "object",
                "required": ["context"],
                "properties": {"context": {"type": "object", "required": ["library"]}},
            },
        },
    ]
}

YAML_PLAN = """
events:
  Order Completed:
    properties:
      order_id: {type: string, required: true}
      total: number
      revenue: number
      currency: {type: string, enum: [USD, EUR]}
      products: {type: array}
      placed_at: {type: date}
      status: {type: string, enum: [paid, pending]}
identify:
  traits:
    email: {type: string, required: true}
    plan: string
"""


def order(**props: object) -> dict:
    m = clean("track")
    m["properties"] = {
        "order_id": "o-1",
        "revenue": 25.0,
        "currency": "USD",
        "products": [{"product_id": "p1"}],
        **props,
    }
    return m


@pytest.fixture(params=["json", "yaml"])
def plan_engine(request: pytest.FixtureRequest, tmp_path: Path) -> LintEngine:
    if request.param == "json":
        p = tmp_path / "plan.json"
        p.write_text(json.dumps(SEGMENT_PLAN))
    else:
        p = tmp_path / "plan.yaml"
        p.write_text(YAML_PLAN)
    return engine(plan=load_plan(p))


def plan_rules(eng: LintEngine, msg: dict) -> list[tuple[str, str | None]]:
    return [(f.rule, f.path) for f in eng.lint_message(msg)]


def test_planned_clean_event_has_no_finding(plan_engine: LintEngine) -> None:
    assert plan_rules(plan_engine, order()) == []
    ident = {**clean("identify"), "traits": {"email": "a@b.io", "plan": "pro"}}
    assert plan_rules(plan_engine, ident) == []


def test_unplanned_event(plan_engine: LintEngine) -> None:
    m = {**clean("track"), "event": "Cart Viewed", "properties": {}}
    assert plan_rules(plan_engine, m) == [("W028", "event")]


def test_unplanned_property(plan_engine: LintEngine) -> None:
    assert plan_rules(plan_engine, order(gift_wrap=True)) == [("W029", "properties.gift_wrap")]


def test_missing_required_property(plan_engine: LintEngine) -> None:
    m = order()
    del m["properties"]["order_id"]
    assert ("E015", "properties.order_id") in plan_rules(plan_engine, m)


def test_missing_payload_names_required_properties(plan_engine: LintEngine) -> None:
    m = order()
    del m["properties"]
    assert ("E015", "properties.order_id") in plan_rules(plan_engine, m)


def test_wrong_type(plan_engine: LintEngine) -> None:
    found = plan_engine.lint_message(order(total="27.50"))
    e016 = [f for f in found if f.rule == "E016"]
    assert [f.path for f in e016] == ["properties.total"]
    assert "Expected number, given string" in e016[0].message


def test_value_not_allowed(plan_engine: LintEngine) -> None:
    found = plan_rules(plan_engine, order(status="shipped"))
    assert found == [("E017", "properties.status")]


def test_identify_traits_checked(plan_engine: LintEngine) -> None:
    m = {**clean("identify"), "traits": {"email": "a@b.io", "plan": 3, "shoe": "42"}}
    got = plan_rules(plan_engine, m)
    assert ("E016", "traits.plan") in got and ("W029", "traits.shoe") in got


def test_segment_common_rule_and_nested_items() -> None:
    eng = engine(plan=_plan_from(SEGMENT_PLAN))
    m = order(products=[{"sku": "x"}])
    m["context"] = {}
    got = plan_rules(eng, m)
    assert ("E015", "context.library") in got
    assert ("E015", "properties.products.0.product_id") in got


def test_event_version_selects_rule() -> None:
    eng = engine(plan=_plan_from(SEGMENT_PLAN))
    m = {
        **clean("track"),
        "event": "Order Completed",
        "properties": {"order_ref": "r"},
        "context": {"library": {"name": "x", "version": "1"}, "protocols": {"event_version": 2}},
    }
    assert plan_rules(eng, m) == []


def test_config_api_and_rudderstack_shape(tmp_path: Path) -> None:
    data = {
        "name": "TP",
        "rules": {
            "events": [
                {
                    "name": "Signed Up",
                    "eventType": "track",
                    "rules": {
                        "type": "object",
                        "properties": {
                            "properties": {
                                "type": "object",
                                "required": ["plan"],
                                "properties": {"plan": {"type": "string"}},
                            }
                        },
                    },
                }
            ]
        },
    }
    p = tmp_path / "rudder.json"
    p.write_text(json.dumps(data))
    eng = engine(plan=load_plan(p))
    m = {**clean("track"), "event": "Signed Up", "properties": {}}
    assert plan_rules(eng, m) == [("E015", "properties.plan")]


def test_bad_plan_files(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        load_plan(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text("{nope")
    with pytest.raises(PlanError, match="not valid JSON"):
        load_plan(tmp_path / "x.json")
    (tmp_path / "y.yaml").write_text("foo: 1")
    with pytest.raises(PlanError, match="unknown tracking plan shape"):
        load_plan(tmp_path / "y.yaml")
    (tmp_path / "z.yaml").write_text("events:\n  A B:\n    properties:\n      x: {type: wat}")
    with pytest.raises(PlanError, match="unknown type"):
        load_plan(tmp_path / "z.yaml")


def test_plan_rules_can_be_disabled(tmp_path: Path) -> None:
    eng = engine(plan=_plan_from(SEGMENT_PLAN), disabled=frozenset({"W028"}))
    assert plan_rules(eng, {**clean("track"), "event": "Cart Viewed", "properties": {}}) == []


def _plan_from(data: dict):  # type: ignore[no-untyped-def]
    from inspector.domain.lint.plan import plan_from_data

    return plan_from_data(data)
