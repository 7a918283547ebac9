"""Precision: spec examples, real client payloads and spec-typed semantic events are clean."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from inspector.domain.lint import LintConfig, LintEngine
from tests.domain.lint.corpora import SPEC_EXAMPLES, WIRE_PAYLOADS, semantic_examples


def _ids(corpus: list[dict]) -> list[str]:
    return [f"{m['type']}-{m.get('event') or m.get('name') or i}" for i, m in enumerate(corpus)]


@pytest.mark.parametrize("msg", SPEC_EXAMPLES, ids=_ids(SPEC_EXAMPLES))
def test_spec_examples_clean(msg: dict) -> None:
    assert [(f.rule, f.message) for f in LintEngine().lint_message(msg)] == []


@pytest.mark.parametrize("msg", WIRE_PAYLOADS, ids=_ids(WIRE_PAYLOADS))
def test_real_client_payloads_clean(msg: dict) -> None:
    assert [(f.rule, f.message) for f in LintEngine().lint_message(msg)] == []


def test_every_semantic_event_clean_in_one_session() -> None:
    eng = LintEngine(LintConfig(b2b=True))
    found = {
        m["event"]: [(f.rule, f.message) for f in eng.lint_message(m)] for m in semantic_examples()
    }
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) >= 75


def test_semantic_examples_clean_with_policy_rules_and_dialects_off() -> None:
    eng = LintEngine(LintConfig(enabled=frozenset({"W026"})))
    for m in semantic_examples():
        assert [f.rule for f in eng.lint_message(m)] == [], m["event"]


def test_benchmark_corpus_clean() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from lint import corpus  # type: ignore[import-not-found]

    eng = LintEngine()
    bad = [(m["type"], f.rule, f.message) for m in corpus(600) for f in eng.lint_message(m)]
    assert bad == []
