"""Plan checks read identify traits where each library puts them, and say which place."""

from __future__ import annotations

from inspector.domain.lint import LintEngine
from inspector.domain.lint.plan import plan_from_data

PLAN = plan_from_data(
    {"identify": {"traits": {"email": {"type": "string", "required": True}, "plan": "string"}}}
)
PLAN_RULES = {"E015", "E016", "E017", "W029"}


def findings(message):
    engine = LintEngine(plan=PLAN)
    return [
        (f.rule, f.message, f.path)
        for f in engine.lint_message({"messageId": "m", "userId": "u1", **message})
        if f.rule in PLAN_RULES
    ]


def test_rudderstack_traits_in_context_are_read_there():
    # rudder-sdk-python sends identify traits only in context.traits
    assert findings({"type": "identify", "context": {"traits": {"email": "a@b.co"}}}) == []


def test_a_wrong_type_in_context_traits_names_context_traits():
    got = findings({"type": "identify", "context": {"traits": {"email": "a@b.co", "plan": 3}}})
    assert got == [
        (
            "E016",
            "context.traits.plan: Invalid type. Expected string, given integer",
            "context.traits.plan",
        )
    ]


def test_unplanned_context_trait_says_where():
    got = findings({"type": "identify", "context": {"traits": {"email": "a@b.co", "age": 3}}})
    assert got == [
        ("W029", "Unplanned property 'age' on 'identify' (in context.traits)", "context.traits.age")
    ]


def test_missing_everywhere_says_where_it_was_looked_for():
    got = findings({"type": "identify", "context": {"traits": {"plan": "pro"}}})
    assert got == [
        (
            "E015",
            "traits.email is required by the tracking plan (looked in traits and context.traits)",
            "traits.email",
        )
    ]


def test_traits_win_over_context_traits_and_segment_shape_is_unchanged():
    got = findings(
        {"type": "identify", "traits": {"email": 5}, "context": {"traits": {"email": "x"}}}
    )
    assert [(r, p) for r, _, p in got] == [("E016", "traits.email")]
    assert findings({"type": "identify", "traits": {"email": "a@b.co"}}) == []
    assert [r for r, _, _ in findings({"type": "identify", "traits": {}})] == ["E015"]


def test_group_and_track_do_not_read_user_traits_from_context():
    plan = plan_from_data({"group": {"traits": {"name": {"type": "string", "required": True}}}})
    engine = LintEngine(plan=plan)
    msg = {
        "type": "group",
        "userId": "u1",
        "groupId": "g1",
        "messageId": "m",
        "context": {"traits": {"name": "Ada"}},  # the user's name, not the group's
    }
    assert "E015" in {f.rule for f in engine.lint_message(msg)}


def test_required_events_in_both_plan_shapes():
    simple = plan_from_data(
        {"events": {"A": {"required": True, "properties": {}}, "B": {"properties": {}}}}
    )
    assert {k: v[1].required for k, v in simple.events.items()} == {"A": True, "B": False}
    segment = plan_from_data(
        [
            {"type": "TRACK", "key": "A", "required": True, "jsonSchema": {}},
            {"type": "TRACK", "key": "B", "jsonSchema": {}},
        ]
    )
    assert {k: v[1].required for k, v in segment.events.items()} == {"A": True, "B": False}
    rudder = plan_from_data({"rules": {"events": [{"name": "A", "required": True}]}})
    assert rudder.events["A"][1].required
