"""Page, screen, identify, group and alias calls linted in one pass
(:mod:`inspector.domain.lint.clean_calls`) against the plain engine and the fast path before
fusing, event by event (the same findings, in the same order, and the same session state
after every event), on sequences built to sit on each of its guards: odd types, missing
and placeholder ids, reused messageIds, traits of every type, timestamps off, context
traits, and tracking plans with rules for these calls."""

from __future__ import annotations

import copy
import random
from collections import Counter
from typing import Any

import pytest

from inspector.domain.lint import LintConfig, LintEngine, clean_calls, fastpath
from inspector.domain.lint.plan import TrackingPlan, plan_from_data
from tests.domain.lint.test_fastpath_batches import CONFIGS, corpus, events_of, findings
from tests.domain.lint.test_fused import _each_guard, _rows, _state

_CTX = {"library": {"name": "analytics.js", "version": "1.0"}, "locale": "en-US"}
_BASE: dict[str, Any] = {
    "messageId": "m-0",
    "userId": "user-1",
    "anonymousId": "anon-1",
    "timestamp": "2026-11-22T10:31:19.522Z",
    "context": _CTX,
    "integrations": {},
}
_TRAIT_VALUES: list[Any] = [
    "a@example.com",
    "not-an-email",
    "",
    None,
    5,
    2.5,
    True,
    "2025-01-01",
    "2025-01-01T00:00:00Z",
    "yesterday",
    "12",
    "12.5",
    "many",
    {"city": "Berlin"},
    ["x"],
]
_TRAIT_KEYS = ["email", "createdAt", "created_at", "birthday", "age", "address", "company"]
_TRAIT_KEYS += ["id", "name", "firstName", "employees", "plan", "website", "avatar"]


def _call(t: str, **fields: Any) -> dict[str, Any]:
    m = copy.deepcopy(_BASE)
    m["type"] = t
    for k, v in fields.items():
        if v is None:
            m.pop(k, None)
        else:
            m[k] = v
    return m


def _page(**f: Any) -> dict[str, Any]:
    return _call("page", **{"name": "Cart", "properties": {"path": "/cart", "title": "T"}, **f})


def _identify(**f: Any) -> dict[str, Any]:
    return _call("identify", **{"traits": {"email": "a@example.com", "plan": "pro"}, **f})


def _group(**f: Any) -> dict[str, Any]:
    return _call("group", **{"groupId": "g-1", "traits": {"name": "Acme", "employees": 12}, **f})


def _alias(**f: Any) -> dict[str, Any]:
    return _call("alias", **{"previousId": "anon-1", **f})


def adversarial() -> list[dict[str, Any]]:
    """Clean calls of each type first, then each field made odd in turn (and clean calls in
    between, so a state or memo left wrong shows on the next clean one)."""
    seq: list[dict[str, Any]] = []
    n = 0

    def add(m: dict[str, Any], times: int = 2) -> None:
        nonlocal n
        for _ in range(times):
            n += 1
            mm = copy.deepcopy(m)
            if mm.get("messageId") == "m-0":
                mm["messageId"] = f"c-{n}"
            seq.append(mm)

    clean = [_page(), _call("screen", name="Home"), _identify(), _group(), _alias()]
    for m in clean:
        add(m)
    # -- page and screen: names, categories, page properties, keywords
    for t in ("page", "screen"):
        for name in (None, "", 5, {"x": 1}, ["a"], "Checkout"):
            add(_call(t, name=name, properties={"title": "T"}), 1)
            add(_call(t, name=name, properties={"name": "From props"}), 1)
            add(_call(t, name=name), 1)
        for cat in ("Shop", 5, None, ""):
            add(_call(t, name="Cart", category=cat), 1)
        for props in (
            {"path": 1, "title": "T"},
            {"path": "/", "url": None, "referrer": 3.5},
            {"keywords": ["a", "b"]},
            {"keywords": ["a", 1]},
            {"keywords": "a"},
            {"name": 5},
            {"search": "", "title": "T", "Title": "t"},
            {"length": 1, "bucket": 2},
            {},
            "props",
            ["x"],
        ):
            add(_call(t, name="Cart", properties=props), 1)
        add(_call(t, name="Cart", event="Viewed"), 1)
        add(_call(t, name="Cart", event=5), 1)
        add(_call(t, name="Cart", event={"x": 1}), 1)
        add(_call(t, name="Cart", email="a@example.com"), 1)
        add(_call(t, name="Cart", groupId="g"), 1)
        add(_call(t, name="Cart", previousId="p"), 1)
        add(_call(t, name="Cart", properties={"path": "/", "title": 7}), 1)
        add(_call(t, name="Cart", properties={"path": "/", "title": "T"}), 1)
    # -- identify: traits of every type under every reserved key, the case pairs
    rng = random.Random(3)
    for k in _TRAIT_KEYS:
        for v in _TRAIT_VALUES:
            add(_call("identify", traits={k: v, "plan": "pro"}), 1)
            add(_call("group", groupId="g-2", traits={k: v}), 1)
    for _ in range(40):
        keys = rng.sample(_TRAIT_KEYS, 3)
        traits = {k: copy.deepcopy(rng.choice(_TRAIT_VALUES)) for k in keys}
        add(_call("identify", traits=traits, userId=f"user-{rng.randrange(4)}"), 1)
        add(_call("group", groupId=f"g-{rng.randrange(3)}", traits=traits), 1)
    for a, b in (("firstName", "first_name"), ("createdAt", "created_at")):
        add(_call("identify", traits={a: "2025-01-01", b: "2025-01-01"}), 1)
        add(_call("identify", traits={a: "2025-01-01", b: "2025-01-02"}), 1)
        add(_call("identify", traits={b: "x", a: None}), 1)
    for traits in ({}, None, "x", ["a"], {"Email": "a@example.com", "email": "b@example.com"}):
        add(_call("identify", traits=traits), 1)
        add(_call("group", groupId="g-1", traits=traits), 1)
    # -- context traits and groupId (the quiet-context guard), then calls that read them
    for ctx in (
        {**_CTX, "traits": {"email": "x", "plan": "pro"}},
        {**_CTX, "traits": {}},
        {**_CTX, "traits": None},
        {**_CTX, "groupId": "g-9"},
        {**_CTX, "groupId": ""},
        {**_CTX, "groupId": None},
        {},
        "ctx",
    ):
        for m in (_page(), _identify(), _group(), _alias(), _call("screen", name="S")):
            add({**m, "context": copy.deepcopy(ctx)}, 1)
    # contexts that pass the guards but have findings of their own, between clean ones
    for ctx in (
        {**_CTX, "locale": "not a locale!"},
        {**_CTX, "colour": "blue"},
        {"library": {"name": 5, "version": "1"}},
        {**_CTX, "timezone": "Mars/Olympus"},
        _CTX,
    ):
        for m in (_page(), _identify(), _group(), _alias(), _call("screen", name="S")):
            add({**m, "context": copy.deepcopy(ctx)}, 1)
            add(m, 1)
    add(_page(context={**_CTX, "traits": {"plan": "pro", "seat": 3}}), 1)  # I007: plan known
    add(_identify(userId=None, anonymousId="anon-7", traits={"seat": 1}), 1)
    add(_page(userId=None, anonymousId="anon-7", context={**_CTX, "traits": {"seat": 2}}), 1)
    # -- ids: missing, placeholders, odd types, long, reused messageIds
    for uid in (None, "", "null", "undefined", 5, " user-1", "USER-1", "a@example.com", "+1 555"):
        for m in (_page(), _identify(), _group(), _alias()):
            add({**m, "userId": uid} if uid is not None else {**m, "userId": None}, 1)
    for aid in (None, "", "0000", 7, "anon-1 ", "x" * 40, "0-" * 12):
        for m in (_page(), _identify(), _group(), _alias()):
            mm = {**m, "anonymousId": aid}
            if aid is None:
                del mm["anonymousId"]
            add(mm, 1)
    for m in (_page(), _identify(), _group()):
        mm = {k: v for k, v in m.items() if k not in ("userId", "anonymousId")}
        add(mm, 1)
    for gid in (None, "", " g", "null", 5, "g" * 501, "g" * 500, ["g"]):
        add(_group(groupId=gid) if gid is not None else _call("group", traits={"n": 1}), 1)
    for prev in (None, "", "null", 5, " p", "p" * 30, {"p": 1}):
        add(_alias(previousId=prev), 1)
    add(_alias(userId=None), 1)
    add(_alias(properties={"why": "merge"}), 1)
    add(_alias(traits={"x": 1}), 1)
    for mid in ("", None, 5, "x" * 101, "x" * 100):
        for m in (_page(), _identify(), _group(), _alias()):
            add({**m, "messageId": mid} if mid is not None else {**m, "messageId": None}, 1)
    for i, m in enumerate((_page(), _identify(), _group(), _alias(), _call("screen", name="S"))):
        seq.append({**copy.deepcopy(m), "messageId": "shared"})  # one messageId, five events
        seq.append({**copy.deepcopy(m), "messageId": f"again-{i}"})
        seq.append({**copy.deepcopy(m), "messageId": f"again-{i}"})  # the same event again
    seq.append({**_group(groupId="g-7"), "messageId": "gid"})
    seq.append({**_group(groupId="g-8"), "messageId": "gid"})  # told apart by groupId
    seq.append({**_alias(previousId="p-1"), "messageId": "pid"})
    seq.append({**_alias(previousId="p-2"), "messageId": "pid"})  # by previousId
    seq.append({**_page(name="A"), "messageId": "nm"})
    seq.append({**_page(name="B"), "messageId": "nm"})  # by name
    # -- timestamps off
    for f, v in (
        ("timestamp", "2099-01-01T00:00:00.000Z"),
        ("timestamp", "2026-11-22 10:31:19"),
        ("timestamp", 1700000000),
        ("timestamp", None),
        ("originalTimestamp", "2026-11-22T10:31:18.000Z"),
        ("sentAt", "2026-11-22T10:31:00.000Z"),
        ("sentAt", "2026-11-22T10:31:20.000Z"),
        ("receivedAt", "nope"),
        ("receivedAt", "2026-11-22T10:31:20.000Z"),
    ):
        for m in (_page(), _identify(), _group(), _alias()):
            mm = copy.deepcopy(m)
            if v is None:
                mm.pop(f, None)
            else:
                mm[f] = v
            add(mm, 1)
    # -- keys that vary (W033 across calls), unknown top-level keys, folded variants
    add(_identify(traits={"firstName": "Ada", "first_name": "Ada"}), 1)
    add(_page(properties={"order_id": "1"}), 1)
    add(_page(properties={"orderId": "1"}), 1)
    add(_group(traits={"plan": 5}), 1)  # W030 against the group's string plan
    add(_identify(traits={"plan": 5}), 1)
    add(_page(properties={"path": 5}), 1)
    add(_page(user_id="u-9"), 1)
    add(_identify(USERID="u-9"), 1)
    add(_group(integrations="all"), 1)
    add(_alias(integrations=None), 1)
    add(_call("track", event="Account Created", properties={"account_name": "A"}), 1)  # B2B
    for m in clean:
        add(m, 3)
    return seq


def _unfused(cfg: LintConfig, plan: TrackingPlan | None, mp: pytest.MonkeyPatch) -> LintEngine:
    """The fast path before fusing and before any one-pass function: each guard asked in
    turn (the reference for the order of findings)."""
    with mp.context() as m:
        m.setattr(fastpath, "fuse", list)
        engine = LintEngine(cfg, plan)
    for t, (_, plans) in engine._plans.items():
        engine._plans[t] = (_each_guard(t, engine), plans)
    return engine


def _counting(engine: LintEngine) -> Counter[tuple[str, bool]]:
    """Count, per call type, the messages the one-pass functions linted themselves."""
    seen: Counter[tuple[str, bool]] = Counter()
    for t, (first, plans) in list(engine._plans.items()):
        if -1 not in plans:
            continue

        def counted(m: Any, x: Any, hd: Any, out: Any, _f: Any = first, _t: str = t) -> int:
            got = _f(m, x, hd, out)
            seen[_t, got == -1] += 1
            return int(got)

        engine._plans[t] = (counted, plans)
    return seen


def compare(
    cfg: LintConfig,
    msgs: list[dict[str, Any]],
    mp: pytest.MonkeyPatch,
    plan: TrackingPlan | None = None,
    size: int = 7,
    generated: int = 0,
) -> Counter[tuple[str, bool]]:
    """The engine, the plain engine and the reference, event by event; what the one-pass
    functions answered (type, linted in one pass) is returned."""
    fast, plain = LintEngine(cfg, plan), LintEngine(cfg, plan, fast_path=False)
    ref = _unfused(cfg, plan, mp)
    seen = _counting(fast)
    for i in range(0, len(msgs), size):
        chunk = msgs[i : i + size]
        received = 1795343628.0 + i
        a, b, c = (events_of(chunk, received) for _ in range(3))
        for j, (ea, eb, ec) in enumerate(zip(a, b, c, strict=True)):
            if generated and (i + j) % generated == 0:
                for e in (ea, eb, ec):
                    e.generated_message_id = True
            fast.lint_batch([ea], None)
            plain.lint_batch([eb], None)
            ref.lint_batch([ec], None)
            assert _rows(ea) == _rows(ec), ea.message  # the same, in the same order
            assert findings(ea) == findings(eb), ea.message
            assert _state(fast) == _state(plain) == _state(ref), ea.message
    assert fast.session_issues() == plain.session_issues()
    return seen


def test_the_one_pass_functions_are_in_use() -> None:
    engine = LintEngine()
    for t in clean_calls.PLANS:
        first, plans = engine._plans[t]
        assert -1 in plans and plans[-1] == [], t
        assert first.__qualname__.startswith("whole_call"), t


def test_adversarial_calls_every_config(monkeypatch: pytest.MonkeyPatch) -> None:
    seq = adversarial()
    for cfg in [*CONFIGS, LintConfig(enabled=frozenset({"W015", "W017", "W021"}))]:
        seen = compare(cfg, seq, monkeypatch)
        if cfg == LintConfig():
            for t in ("page", "screen", "identify", "group", "alias"):
                assert seen[t, True] > 5 and seen[t, False] > 5, (t, seen)


def test_adversarial_calls_made_up_message_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = compare(LintConfig(), adversarial(), monkeypatch, size=11, generated=3)
    assert sum(v for (_, ok), v in seen.items() if ok) > 100


_PLAN = plan_from_data(
    {
        "identify": {
            "traits": {
                "email": {"type": "string", "required": True},
                "plan": {"type": "string", "enum": ["pro", "free"]},
                "age": "integer",
            }
        },
        "group": {"traits": {"name": {"type": "string", "required": True}, "employees": "int"}},
        "page": {"properties": {"path": {"type": "string", "required": True}, "title": "string"}},
        "screen": {"properties": {"name": "string"}},
        "events": {"Account Created": {"properties": {"account_name": "string"}}},
    }
)


def test_adversarial_calls_under_a_tracking_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    seq = adversarial()
    found = 0
    for cfg in (LintConfig(), CONFIGS[2]):
        compare(cfg, seq, monkeypatch, plan=_PLAN)
        engine = LintEngine(cfg, _PLAN)
        evs = events_of(seq, 1795343628.0)
        engine.lint_batch(evs, None)
        found += sum(f.rule in ("E015", "E016", "E017", "W029") for e in evs for f in e.lint)
    assert found > 50  # the plan's rules did report on these calls


def test_adversarial_calls_interleaved_with_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    msgs = corpus(seed=29)[:300] + adversarial()
    random.Random(4).shuffle(msgs)
    seen = compare(LintConfig(), msgs, monkeypatch, size=25)
    assert sum(v for (_, ok), v in seen.items() if ok) > 200
