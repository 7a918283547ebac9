"""The fast path in batches: the same findings as the plain engine, event by event, with the
cross-event state built up along the way (names, property types, ids, platforms, B2B).

The plain engine (``fast_path=False``) runs every check of every call type on every message;
the fast path skips what its guards, per-shape caches and configuration say cannot report.
"""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.domain.capture import CapturedEvent
from inspector.domain.intake import Parsed, build_events
from inspector.domain.lint import LintConfig, LintEngine
from tests.domain.lint.corpora import SPEC_EXAMPLES, WIRE_PAYLOADS, semantic_examples
from tests.domain.lint.test_fastpath import MUTATIONS
from tests.domain.lint.test_rules import CASES

_BENCH = Path(__file__).resolve().parents[3] / "benchmarks"
CONFIGS = [
    LintConfig(),
    LintConfig(destinations=frozenset({"mixpanel", "amplitude", "customerio", "kissmetrics"})),
    LintConfig(event_case="auto", property_case="camel", b2b=True),
    LintConfig(enabled=frozenset({"W025", "W026"}), event_case="snake", property_case="auto"),
]
# changes to a message's parts that the per-message mutations of test_fastpath do not make
DEEP: list[tuple[tuple[str, ...], Any]] = [
    (("context", "traits"), {"email": "not-an-email", "plan": "pro"}),
    (("context", "traits"), {"email": "a@example.com"}),
    (("context", "traits"), None),
    (("context", "groupId"), "g-1"),
    (("context", "groupId"), ""),
    (("context", "library"), {"name": "analytics-ios", "version": "4.1"}),
    (("context", "locale"), "not a locale!"),
    (("properties", "revenue"), "12"),
    (("properties", "value"), None),
    (("properties", "currency"), "usd"),
    (("properties", "currency"), 5),
    (("properties", "products"), "none"),
    (("properties", "products"), [{"product_id": 5, "price": "1.0"}, 3]),
    (("properties", "products"), [{"sku": "S", "quantity": 2.5}]),
    (("properties", "products"), [{"product_id": 5, "price": "1.0", "url": 3}, {"sku": None}]),
    (("properties", "products"), [{"product_id": "p", "image_url": "x", "coupon": ["c"]}]),
    (("properties", "price"), "9.99"),
    (("properties", "Order ID"), "o-1"),
    (("properties", "orderId"), "o-2"),
    (("properties", "item1"), 1),
    (("properties", "item2"), 2),
    (("properties", "item3"), 3),
    (("properties", "0b4c3bc84e1a4a4e9e586b3d2f1c9a10"), True),
    (("properties", "session_id"), "s-2"),
    (("properties", "position"), 3.5),
    (("properties", "name"), 7),
    (("properties", "length"), 1),
    (("traits", "email"), "nobody"),
    (("traits", "createdAt"), "yesterday"),
    (("traits", "firstName"), "Ada"),
    (("traits", "first_name"), "Bob"),
    (("traits", "employees"), "many"),
    (("traits", "created_at"), 1700000000),
    (("timestamp",), "2026-11-22 10:31:19"),
    (("timestamp",), "2099-01-01T00:00:00.000Z"),
    (("timestamp",), 1700000000),
    (("sentAt",), "2026-11-22T10:31:20.000Z"),
    (("sentAt",), "2020-01-01T00:00:00.000Z"),
    (("originalTimestamp",), "2026-11-22T10:31:25.000Z"),
    (("event",), "Order Completed"),
    (("event",), "order_completed"),
    (("event",), "Order Complete"),
    (("event",), "Clicked Button 12345"),
    (("event",), "Video Playback Started"),
    (("event",), "Video Playback Paused"),
    (("event",), "Account Created"),
    (("user_id",), "u-9"),
    (("USERID",), "u-9"),
    (("messageId",), "dup-1"),
]


def _sys_path() -> None:
    if str(_BENCH) not in sys.path:
        sys.path.insert(0, str(_BENCH))


def _set(m: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for k in path[:-1]:
        inner = m.get(k)
        if type(inner) is not dict:
            inner = m[k] = {}
        m = inner
    if value is None:
        m.pop(path[-1], None)
    else:
        m[path[-1]] = value


def corpus(seed: int = 11) -> list[dict[str, Any]]:
    _sys_path()
    from _corpus import batches  # type: ignore[import-not-found]
    from lint import corpus as bench  # type: ignore[import-not-found]

    msgs: list[dict[str, Any]] = [m for b in batches(3, seed=seed) for m in b]
    msgs += bench(300, seed=seed)
    msgs += [*SPEC_EXAMPLES, *WIRE_PAYLOADS, *semantic_examples()]
    msgs += [c[i] for c in CASES.values() for i in (0, 1) if isinstance(c[i], dict)]
    rng = random.Random(seed)
    for m in list(msgs):
        for _ in range(2):
            mm = copy.deepcopy(m)
            if rng.random() < 0.5:
                k, v = rng.choice(MUTATIONS)
                _set(mm, (k,), v)
            path, value = rng.choice(DEEP)
            _set(mm, path, copy.deepcopy(value))
            msgs.append(mm)
    rng.shuffle(msgs)
    return msgs


def events_of(msgs: list[dict[str, Any]], received_at: float) -> list[CapturedEvent]:
    envelope = {"sentAt": "2026-11-22T10:31:20.000Z", "writeKey": "WK"}
    return build_events(
        Parsed(copy.deepcopy(msgs), envelope, None),
        session_id=1,
        received_at=received_at,
        headers={"User-Agent": "analytics-python/2.3.3"},
        query={},
    )


def findings(ev: CapturedEvent) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule, f.severity, f.message, f.path or "") for f in ev.lint)


def compare(cfg: LintConfig, msgs: list[dict[str, Any]], size: int = 50) -> int:
    """Lint ``msgs`` in batches with both engines; the number of findings seen."""
    fast, plain = LintEngine(cfg), LintEngine(cfg, fast_path=False)
    seen = 0
    for i in range(0, len(msgs), size):
        chunk = msgs[i : i + size]
        received = 1795343628.0 + i
        a, b = events_of(chunk, received), events_of(chunk, received)
        fast.lint_batch(a, None)
        plain.lint_batch(b, None)
        for ea, eb in zip(a, b, strict=True):
            assert findings(ea) == findings(eb), ea.message
            seen += len(ea.lint)
    assert fast.session_issues() == plain.session_issues()
    return seen


def test_corpus_in_batches_same_findings_each_config() -> None:
    msgs = corpus()
    for cfg in CONFIGS:
        assert compare(cfg, msgs) > 500  # the corpus is far from clean: the test compares


def test_same_shapes_again_and_again() -> None:
    """Caches per shape (key sets, property types, names) answer on the second sight as the
    checks did on the first, also after the session state moved on."""
    msgs = corpus(seed=5)[:400]
    compare(LintConfig(event_case="auto"), msgs * 3, size=100)


_KEYS = ["type", "event", "userId", "anonymousId", "messageId", "properties", "traits"]
_KEYS += ["context", "timestamp", "sentAt", "name", "groupId", "previousId", "integrations"]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["track", "identify", "page", "group", "alias", "screen", "Track"]),
    st.sampled_from(["Order Completed", "Product Viewed", "x", "", " a ", "USD", "usd"]),
    st.sampled_from(["2026-11-22T10:31:19.522Z", "2026-11-22", "null", "a@b.co", "0"]),
    st.text(max_size=8),
)
_PROPS = st.dictionaries(
    st.sampled_from(["revenue", "currency", "products", "price", "name", "email", "sku"])
    | st.text(max_size=6),
    _VALUES | st.lists(st.dictionaries(st.sampled_from(["sku", "price"]), _VALUES), max_size=2),
    max_size=5,
)
_MESSAGE = st.fixed_dictionaries(
    {"type": st.sampled_from(["track", "identify", "page", "group", "alias", "screen"])},
    optional={
        **{k: _VALUES for k in _KEYS if k != "type"},
        "properties": _PROPS,
        "traits": _PROPS,
        "context": st.dictionaries(
            st.sampled_from(["traits", "groupId", "library", "locale", "ip", "page"]),
            _VALUES | _PROPS,
            max_size=3,
        ),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MESSAGE, min_size=1, max_size=12), st.sampled_from(range(len(CONFIGS))))
def test_generated_batches_same_findings(msgs: list[dict[str, Any]], which: int) -> None:
    compare(CONFIGS[which], msgs, size=6)
