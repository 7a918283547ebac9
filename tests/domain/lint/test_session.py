"""Batch rules (size limits) and cross-event session rules via lint_batch."""

from __future__ import annotations

from typing import Any

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.lint import LintEngine
from inspector.testing.events import event
from tests.domain.lint.helpers import clean, engine

NOW = 1706702400.0  # 2024-01-31T12:00:00Z


def ev(msg: dict[str, Any], library: str | None = "analytics.js", i: int = 0) -> CapturedEvent:
    return event(
        msg,
        type=msg.get("type", "?"),
        at=NOW,
        library=library,
        client=None,
        write_key=None,
        message_id=str(msg.get("messageId")),
        batch_index=i,
    )


def track(name: str, n: int, **props: Any) -> dict[str, Any]:
    m = clean("track")
    m.update(event=name, messageId=f"m-{name}-{n}", properties=props)
    return m


def lint_one(eng: LintEngine, msg: dict[str, Any], library: str = "analytics.js") -> list[str]:
    e = ev(msg, library)
    eng.lint_batch([e], None)
    return [f.rule for f in e.lint]


def test_batch_over_500kb_flags_every_event() -> None:
    events = [ev(track("Cart Viewed", i), i=i) for i in range(3)]
    req = RawRequest(
        session_id=1,
        received_at=NOW,
        method="POST",
        path="/v1/batch",
        body=b"x" * (600 * 1024),
        event_count=3,
    )
    engine().lint_batch(events, req)
    assert all([f.rule for f in e.lint] == ["E011"] for e in events)
    assert "600 KB" in events[0].lint[0].message


def test_batch_over_2500_events() -> None:
    events = [ev(track("Cart Viewed", i), i=i) for i in range(2501)]
    req = RawRequest(
        session_id=1, received_at=NOW, method="POST", path="/v1/batch", body=b"{}", event_count=2501
    )
    engine().lint_batch(events, req)
    assert {f.rule for f in events[-1].lint} == {"E011"}
    small = [ev(track("Cart Viewed", i), i=i) for i in range(5)]
    engine().lint_batch(
        small,
        RawRequest(
            session_id=1,
            received_at=NOW,
            method="POST",
            path="/v1/batch",
            body=b"{}",
            event_count=5,
        ),
    )
    assert all(e.lint == [] for e in small)


def test_message_over_32kb_only_measured_when_body_large() -> None:
    big = track("Cart Viewed", 1, blob="x" * 40000)
    e = ev(big)
    body = b"x" * 41000
    engine().lint_batch(
        [e],
        RawRequest(
            session_id=1, received_at=NOW, method="POST", path="/v1/track", body=body, event_count=1
        ),
    )
    assert [f.rule for f in e.lint] == ["E010"]


def test_lint_batch_sets_lint_in_arrival_order_and_clean_events_empty() -> None:
    eng = engine()
    a, b = ev(clean("track")), ev({**clean("track"), "event": None, "messageId": "x2"})
    eng.lint_batch([a, b], None)
    assert a.lint == [] and [f.rule for f in b.lint] == ["E005"]


def test_w030_event_property_type_inconsistent() -> None:
    eng = engine()
    assert "W030" not in lint_one(eng, track("Cart Viewed", 1, items=3))
    assert "W030" not in lint_one(eng, track("Cart Viewed", 2, items=4))
    found = eng.lint_message(track("Cart Viewed", 3, items="5"))
    w = [f for f in found if f.rule == "W030"]
    assert w and w[0].path == "properties.items" and "number (66%)" in w[0].message
    assert any(i["rule"] == "W030" for i in eng.session_issues())


def test_w031_property_type_across_events() -> None:
    eng = engine()
    lint_one(eng, track("Cart Viewed", 1, cart_size=3))
    found = eng.lint_message(track("Wishlist Viewed", 1, cart_size="3"))
    assert [f.message for f in found if f.rule == "W031"] == [
        "'cart_size' is string on Wishlist Viewed but number on Cart Viewed"
    ]


def test_w031_spec_defined_types_do_not_conflict() -> None:
    eng = engine()
    lint_one(eng, track("Product Clicked", 1, product_id="p", position=3))
    assert lint_one(eng, track("Promotion Viewed", 1, promotion_id="x", position="top")) == []


def test_w032_near_duplicate_event_names_both_sides() -> None:
    eng = engine(disabled=frozenset({"W034", "W027", "I004"}))
    assert lint_one(eng, track("Cart Abandoned", 1)) == []
    assert lint_one(eng, track("cart_abandoned", 2)) == ["W032"]
    assert lint_one(eng, track("Cart Abandoned", 3)) == ["W032"]
    assert lint_one(eng, track("Cart Emptied", 4)) == []
    assert lint_one(eng, track("Order Completed", 5)) == []
    assert lint_one(eng, track("Order Cancelled", 6)) == []


def test_w008_message_id_reused_for_different_event() -> None:
    eng = engine()
    m1 = track("Cart Viewed", 1)
    assert lint_one(eng, m1) == []
    assert lint_one(eng, dict(m1)) == []  # a retry: same content
    m2 = {**track("Cart Emptied", 1), "messageId": m1["messageId"]}
    assert "W008" in lint_one(eng, m2)


def test_w019_user_ids_differing_in_case() -> None:
    eng = engine()
    assert lint_one(eng, {**clean("track"), "userId": "ABC-123"}) == []
    assert lint_one(eng, {**clean("track"), "userId": "abc-123", "messageId": "2"}) == ["W019"]


def test_i007_context_traits_without_identify() -> None:
    eng = engine()
    m = {**clean("track"), "context": {"traits": {"plan": "pro"}}}
    assert lint_one(eng, m) == ["I007"]
    lint_one(eng, {**clean("identify"), "traits": {"plan": "pro"}})
    assert lint_one(eng, {**m, "messageId": "again"}) == []


def test_i015_event_seen_on_one_platform_only() -> None:
    eng = engine()
    for i in range(60):
        assert lint_one(eng, track("Cart Viewed", i), "analytics-ios") == []
    found = []
    for i in range(3):
        found += lint_one(eng, track("Cart Shared", 100 + i), "analytics.js")
    assert found == ["I015"]  # reported once, when revealed
    assert lint_one(eng, track("Cart Shared", 200), "analytics.js") == []


def test_w047_video_session_id_changes_within_playback() -> None:
    eng = engine()
    assert lint_one(eng, track("Video Playback Started", 1, session_id="s1")) == []
    assert lint_one(eng, track("Video Playback Paused", 2, session_id="s2")) == ["W047"]
    assert lint_one(eng, track("Video Playback Completed", 3, session_id="s1")) == []
    assert lint_one(eng, track("Video Playback Paused", 4, session_id="s9")) == []


def test_i006_fires_once_session_is_b2b() -> None:
    eng = engine()
    signed = {**clean("track"), "event": "Signed Up", "properties": {}}
    assert lint_one(eng, signed) == []
    lint_one(eng, clean("group"))
    assert lint_one(eng, {**signed, "messageId": "2"}) == ["I006"]


def test_w034_auto_uses_dominant_casing() -> None:
    eng = engine(event_case="auto", disabled=frozenset({"I004", "W032"}))
    for i, n in enumerate(("cart_viewed", "cart_emptied", "item_added")):
        lint_one(eng, track(n, i))
    assert lint_one(eng, track("Checkout Abandoned", 9)) == ["W034"]
