"""The fast-path guards change nothing: same findings with and without them."""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path
from typing import Any

from inspector.domain.lint import LintConfig, LintEngine
from tests.domain.lint.corpora import SPEC_EXAMPLES, WIRE_PAYLOADS, semantic_examples
from tests.domain.lint.test_rules import CASES

MUTATIONS: list[tuple[str, Any]] = [
    ("userId", ""),
    ("userId", " u"),
    ("userId", "null"),
    ("userId", 5),
    ("userId", None),
    ("anonymousId", None),
    ("anonymousId", "undefined"),
    ("anonymousId", "00-00"),
    ("messageId", None),
    ("messageId", "x" * 120),
    ("type", "Track"),
    ("type", "nope"),
    ("event", ""),
    ("event", " x"),
    ("groupId", ""),
    ("previousId", "p"),
    ("email", "a@b.c"),
    ("properties", []),
    ("traits", "x"),
    ("context", 3),
    ("integrations", []),
    ("userId", "bob@example.com"),
    ("userId", "+15551234567"),
    ("name", "N"),
]


def corpus() -> list[Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from lint import corpus as bench  # type: ignore[import-not-found]

    msgs: list[Any] = [*SPEC_EXAMPLES, *WIRE_PAYLOADS, *semantic_examples(), *bench(200)]
    msgs += [c[0] for c in CASES.values()] + [c[1] for c in CASES.values()]
    rng = random.Random(3)
    for m in list(msgs[:200]):
        for _ in range(3):
            if isinstance(m, dict):
                k, v = rng.choice(MUTATIONS)
                mm = copy.deepcopy(m)
                if v is None:
                    mm.pop(k, None)
                else:
                    mm[k] = v
                msgs.append(mm)
    return msgs


def test_guards_do_not_change_findings() -> None:
    cfg = LintConfig(destinations=frozenset({"mixpanel", "amplitude"}))
    fast, full = LintEngine(cfg), LintEngine(cfg, fast_path=False)
    for m in corpus():
        a = sorted((f.rule, f.message, f.path or "") for f in fast.lint_message(m))
        b = sorted((f.rule, f.message, f.path or "") for f in full.lint_message(m))
        assert a == b, m
