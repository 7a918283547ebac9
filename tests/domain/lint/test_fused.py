"""The fused fast path (guards asked in one pass, runs of checks fused, per-shape memos)
against the plain engine, event by event, on sequences built to catch a memo whose key is
too coarse or an entry that goes stale: the same event name whose property changes type,
a currency that stops being a code, a key that gets a near-duplicate later, a name that
gets a colliding name later, ids that become placeholders. After every event the session
state is compared too."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from inspector.domain.capture import CapturedEvent
from inspector.domain.lint import LintConfig, LintEngine, fastpath
from inspector.domain.lint.fastpath import GUARDS
from inspector.domain.lint.registry import CHECKS
from tests.domain.lint.test_fastpath_batches import CONFIGS, corpus, events_of, findings

_BASE: dict[str, Any] = {
    "type": "track",
    "messageId": "m-0",
    "userId": "user-1",
    "anonymousId": "anon-1",
    "timestamp": "2026-11-22T10:31:19.522Z",
    "context": {"library": {"name": "analytics.js", "version": "1.0"}, "locale": "en-US"},
    "integrations": {},
}


def _msg(n: int, **fields: Any) -> dict[str, Any]:
    m = copy.deepcopy(_BASE)
    m["messageId"] = f"m-{n}"
    for k, v in fields.items():
        if v is None:
            m.pop(k, None)
        else:
            m[k] = v
    return m


def _order(n: int, **props: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"order_id": f"o-{n}", "revenue": 12.5, "currency": "EUR"}
    p["products"] = [{"product_id": "p-1", "sku": "S-1", "price": 9.99, "quantity": 1}]
    for k, v in props.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return _msg(n, event="Order Completed", properties=p)


def adversarial() -> list[dict[str, Any]]:
    """Shapes seen clean first, then the same shape (or name) where a coarser memo would
    answer wrongly."""
    seq: list[dict[str, Any]] = []
    n = 0

    def add(m: dict[str, Any], times: int = 3) -> None:
        nonlocal n
        for _ in range(times):
            n += 1
            mm = copy.deepcopy(m)
            mm["messageId"] = f"m-{n}"
            seq.append(mm)

    add(_order(0))
    add(_order(0, revenue="12.50"), 2)  # same name and keys, revenue a string: W023, W030
    add(_order(0))  # and back: the number shape again
    add(_order(0, currency="eur"), 2)  # same shape, the value no longer a code
    add(_order(0, currency=3), 1)
    # one shape through the run with revenue_currency and the one without (context.traits:
    # email_trait runs between them): the memo entry is shared
    ctraits = {"library": {"name": "analytics.js"}, "traits": {"plan": "x"}}
    add(_order(0, currency="usd", order_id=None), 1)
    add({**_order(0, currency="usd", order_id=None), "context": ctraits}, 1)
    add({**_order(0, currency="usd", order_id=5), "context": ctraits}, 1)
    add(_order(0, currency="usd", order_id=5), 1)
    add(_order(0, currency=None))  # a key less
    add(_order(0, products=[{"product_id": 5, "price": "9.99"}]), 2)  # an item's types change
    add(_order(0, products=[{"product_id": "p", "price": 1.5, "quantity": 2.5}]), 2)
    add(_order(0, products="none"), 1)
    add(_order(0, total=3))
    add(_msg(0, event="Plan Chosen", properties={"currency": "EUR"}))  # no spec, no products
    add(_msg(0, event="Plan Chosen", properties={"currency": "usd"}), 2)
    add(_msg(0, event="Button Clicked", properties={"orderId": "o-1", "label": "x"}))
    add(_msg(0, event="Form Sent", properties={"order_id": "o-1", "label": "x"}))  # ~ orderId
    add(_msg(0, event="Button Clicked", properties={"orderId": "o-1", "label": "x"}))
    add(_msg(0, event="Form Sent", properties={"Order ID": "o-1", "label": "x"}))  # same types
    add(_msg(0, event="Button Clicked", properties={"orderId": 5, "label": "x"}))
    add(_msg(0, event="Button Clicked", properties={"orderId": None, "label": "x"}))
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}))
    add(_msg(0, event="signup_done", properties={"plan": "pro"}))  # collides with it later
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}))
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}, userId="null"))
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}, anonymousId="undefined"))
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}, userId=" user-1"))
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}, userId="USER-1 "))
    add(_msg(0, event="Signup Done", properties={"plan": "pro"}, userId="a@example.com"))
    long_ids = ["0" * 8 + "-0000-0000-0000-" + "0" * 12, "someone.longer@example.com"]
    long_ids += [
        "-" * 22,
        "+1 (555) 123-4567 ext 12",
        " " + "a" * 24,
        "b" * 24 + "\u2003",
        "c" * 21,
    ]
    for v in long_ids:  # ids over 20 characters: the guards ask them without their cache
        add(_msg(0, event="Signup Done", properties={"plan": "pro"}, userId=v), 1)
        add(_msg(0, event="Signup Done", properties={"plan": "pro"}, anonymousId=v), 1)
    add(_msg(0, event="", properties={"plan": "pro"}))  # an empty name: still counted
    # the same messageId on another event, told apart only by originalTimestamp (W008)
    for when in ("2026-11-22T10:31:18.000Z", "2026-11-22T10:31:17.000Z"):
        m = _msg(0, event="Signup Done", timestamp=None, originalTimestamp=when)
        seq.append({**m, "messageId": "dup-ot"})
    alias = {"type": "alias", "event": None}
    for prev in ("anon-1", "null", " p", 5, "", "0000", None):
        add(_msg(0, **alias, previousId=prev), 1)
    for uid in (None, "", "null", "a@example.com", "+15551234567"):
        add(_msg(0, **alias, previousId="anon-1", userId=uid), 1)
    add(_msg(0, **alias, previousId="anon-1", groupId="g"), 1)
    add(_msg(0, **alias, previousId="anon-1", name="N"), 1)
    add(_msg(0, **alias, previousId="anon-1", anonymousId="undefined"), 1)
    add(_msg(0, **alias, previousId="anon-1", anonymousId=None), 1)
    add(_msg(0, **alias, previousId="anon-1", traits="x"), 1)
    add(_msg(0, event="Video Playback Started", properties={"session_id": "s-1", "position": 1}))
    add(_msg(0, event="Video Playback Paused", properties={"session_id": "s-2", "position": 2}))
    add(_msg(0, event="Video Playback Paused", properties={"session_id": None, "position": 2.5}))
    add(_msg(0, event="Account Created", properties={"account_name": "A"}))
    add(_msg(0, type="group", groupId="g-1", traits={"name": "A"}), 1)
    add(_msg(0, event="Account Created", properties={"account_name": "A"}))
    add(
        _msg(0, event="Account Created", properties={"account_name": "A"}, context={"groupId": "g"})
    )
    add(_msg(0, event="Order Completed", properties={"order_id": "o", "revenue": 3}))
    add(_msg(0, event="Order Completed", properties={"order_id": "o", "revenue": True}))
    add(_msg(0, event="Order Completed", properties={"order_id": "o", "value": "3"}))
    add(_msg(0, event="Order Completed", properties={}))
    add(_msg(0, event="Order Completed", properties=None))
    add(_msg(0, type="page", name="Home", properties={"path": "/", "title": "T"}))
    add(_msg(0, type="page", name="Home", properties={"path": 1, "title": "T"}))
    add(_msg(0, type="identify", traits={"email": "a@example.com", "plan": "pro"}))
    add(_msg(0, type="identify", traits={"email": "nope", "plan": 3}))
    add(_msg(0, event="Order Completed", properties={"plan": 3}))  # W031 against identify's
    add(_msg(0, event="Order Completed", timestamp="2099-01-01T00:00:00.000Z"))
    add(_msg(0, event="Order Completed", sentAt="2026-11-22T10:31:00.000Z"))
    add(_msg(0, event="Order Completed", user_id="u-9"))
    add(_msg(0, event="Order Completed", email="a@example.com"))
    add(_msg(0, event="Order Completed", previousId="p"))
    add(_msg(0, event="Order Completed", messageId="x" * 101), 1)
    add(_msg(0, event="Order Completed", context={"groupId": ""}))
    add(_msg(0, event="Order Completed", context={"traits": {"email": "x"}}))
    return seq


def _state(engine: LintEngine) -> dict[str, Any]:
    st = engine.state
    st.flush()
    return {k: v for k, v in vars(st).items() if k not in ("name_index", "pending", "keyinfo")}


def unfused(cfg: LintConfig, monkeypatch: pytest.MonkeyPatch) -> LintEngine:
    """The fast path as it was before fusing: each guard asked in turn, no fused runs (the
    reference for the order of findings, which the plain engine does not keep)."""
    with monkeypatch.context() as mp:
        mp.setattr(fastpath, "fuse", list)
        engine = LintEngine(cfg)
    for t, (_, plans) in engine._plans.items():
        engine._plans[t] = (_each_guard(t, engine), plans)
    return engine


def _each_guard(t: str, engine: LintEngine) -> Any:
    active = [c for c in CHECKS if any(r in engine._enabled for r in c.rules)]
    bits, _ = fastpath.plans_for(t, active, True, engine._enabled)
    pairs = [(b, GUARDS[g]) for g, b in bits.items()]

    def mask(m: dict[str, Any], x: Any, hd: Any, out: Any) -> int:
        return sum(b for b, guard in pairs if not guard(m, x))

    return mask


def _rows(ev: CapturedEvent) -> list[tuple[str, str, str, str | None]]:
    return [(f.rule, f.severity, f.message, f.path) for f in ev.lint]


def _compare(
    cfg: LintConfig,
    msgs: list[dict[str, Any]],
    size: int,
    mp: pytest.MonkeyPatch,
    generated: int = 0,
) -> int:
    """Both engines and the reference, event by event; every ``generated``-th event says its
    messageId was made up on arrival (an import of such events)."""
    fast, plain, ref = LintEngine(cfg), LintEngine(cfg, fast_path=False), unfused(cfg, mp)
    seen = 0
    for i in range(0, len(msgs), size):
        chunk = msgs[i : i + size]
        received = 1795343628.0 + i
        a, b, c = (events_of(chunk, received) for _ in range(3))
        for j, (ea, eb, ec) in enumerate(zip(a, b, c, strict=True)):  # the state after each
            if generated and (i + j) % generated == 0:
                ea.generated_message_id = eb.generated_message_id = True
                ec.generated_message_id = True
            fast.lint_batch([ea], None)
            plain.lint_batch([eb], None)
            ref.lint_batch([ec], None)
            assert _rows(ea) == _rows(ec), ea.message  # the same, in the same order
            assert findings(ea) == findings(eb), ea.message
            assert _state(fast) == _state(plain) == _state(ref), ea.message
            seen += len(ea.lint)
    return seen


def test_adversarial_sequences_every_config(monkeypatch: pytest.MonkeyPatch) -> None:
    seq = adversarial()
    for cfg in [*CONFIGS, LintConfig(enabled=frozenset({"W025"}))]:
        assert _compare(cfg, seq, 7, monkeypatch) > 40


def test_an_event_never_sent_from_a_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    """I015 (counted per platform on every track call) from clean track calls: one platform
    sends many, another sends an event the first never did, then a third platform."""
    ios = {"library": {"name": "analytics-ios", "version": "4.1"}}
    kotlin = {"library": {"name": "analytics-kotlin", "version": "1.1"}}
    seq = [_msg(i, event="Page Scrolled", properties={"depth": i}) for i in range(60)]
    seq += [_msg(100 + i, event="Cart Shared", properties={"n": i}, context=ios) for i in range(4)]
    seq += [_msg(200 + i, event="Cart Shared", properties={"n": i}) for i in range(2)]
    seq += [
        _msg(300 + i, event="Cart Shared", properties={"n": i}, context=kotlin) for i in range(4)
    ]
    seq += [
        _msg(400 + i, event="Page Scrolled", properties={"depth": i}, context=ios) for i in range(3)
    ]
    for cfg in CONFIGS:  # (the one-pass track call, and the fused runs of other plans)
        assert _compare(cfg, seq, 10, monkeypatch) >= 1  # (I015 once)


def test_made_up_message_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """An event whose messageId the inspector made up is not remembered by W008."""
    seq = adversarial() * 2
    assert _compare(LintConfig(), seq, 9, monkeypatch, generated=3) > 40


def test_adversarial_interleaved_with_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    msgs = corpus(seed=17)[:300] + adversarial()
    random.Random(2).shuffle(msgs)
    assert _compare(LintConfig(), msgs * 2, 25, monkeypatch) > 200


def test_fused_runs_replace_only_whole_runs() -> None:
    from inspector.domain.lint import fused

    def track_plan(cfg: LintConfig) -> list[Any]:
        return LintEngine(cfg)._plans["track"][1][0]

    everything = LintConfig(enabled=frozenset(r for c in CHECKS for r in c.rules))
    for cfg in [*CONFIGS, everything]:
        for fns in LintEngine(cfg)._plans["track"][1].values():
            for run, body in fused.FUSED:
                if body in fns:
                    assert not set(run) & set(fns)  # none of the run left besides it
    assert any(body in track_plan(LintConfig()) for _, body in fused.FUSED[:2])
    assert any(body in track_plan(everything) for _, body in fused.FUSED[2:])


def test_plans_are_worked_out_once_and_handed_out_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Engines share the plans worked out for their configuration (kept per configuration
    and fusing function), each with lists of its own; the unfused reference gets none of
    the fused ones."""
    from inspector.domain.lint import fused

    a, b = LintEngine(), LintEngine()
    for t, (_, plans) in a._plans.items():
        other = b._plans[t][1]
        assert plans == other
        assert all(plans[k] is not other[k] for k in plans)
    a._plans["page"][1][0].clear()  # (one engine's lists are its own)
    assert LintEngine()._plans["page"][1][0] == b._plans["page"][1][0] != []
    bodies = {body for _, body in fused.FUSED}
    ref = unfused(LintConfig(), monkeypatch)
    assert not any(fn in bodies for _, p in ref._plans.values() for fns in p.values() for fn in fns)
    assert any(fn in bodies for _, p in b._plans.items() for fns in p[1].values() for fn in fns)


def test_item_fields_checked_by_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """An array of objects whose items have a field the value decides (a date): each item
    checked at the field's place, as the plain engine does (no spec event of the default
    catalogue has one, so a catalogue of its own)."""
    from inspector.domain.lint.specdata import PropType, SpecCatalog, SpecEvent, default_catalog
    from inspector.domain.lint.values import is_date_like

    base = default_catalog()
    items = {"sku": PropType("S", lambda v: type(v) is str), "when": PropType("D", is_date_like)}
    spec = SpecEvent(
        "Trip Booked",
        "custom",
        "",
        {"legs": PropType("A<Leg>", lambda v: type(v) is list, items, True)},
    )
    cat = SpecCatalog(
        {**base.events, "Trip Booked": spec}, base.legacy, base.enums, base.ranges, base.specs
    )
    legs: list[Any] = [
        [{"sku": "a", "when": "2026-01-01"}, {"when": "2026-01-02", "sku": "b"}],
        [{"sku": "a", "when": "soon"}, {"when": "2026-01-02", "sku": "b"}],
        [{"when": "2026-01-02", "sku": "b"}, {"sku": "a", "when": "later"}],
        [{"sku": 5, "when": "2026-01-01"}],
        [{"sku": "a", "when": None}, {"sku": "c", "when": 20260101}],
    ]
    seq = [
        _msg(i, event="Trip Booked", properties={"legs": copy.deepcopy(v)})
        for i, v in enumerate(legs * 3)
    ]
    fast = LintEngine(catalog=cat)
    plain = LintEngine(catalog=cat, fast_path=False)
    seen = 0
    for i, m in enumerate(seq):
        a, b = events_of([m], 1795343628.0 + i), events_of([m], 1795343628.0 + i)
        fast.lint_batch(a, None)
        plain.lint_batch(b, None)
        assert findings(a[0]) == findings(b[0]), m
        assert _state(fast) == _state(plain)
        seen += sum(f.rule == "W024" for f in a[0].lint)
    assert seen >= 6
