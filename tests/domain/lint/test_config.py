"""``.event-inspector.toml``: discovery upwards, rule names, severities, plan path."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.domain.lint import ConfigError, LintConfig, LintEngine, load_config
from tests.domain.lint.helpers import clean

TOML = """
[lint]
plan = "plans/plan.yaml"
disable = ["naming-title-case", "I004"]
destinations = ["mixpanel"]
property_case = "camel"
[lint.severity]
"track-missing-event" = "warning"
"W026" = "info"
"""


def write(tmp_path: Path, text: str = TOML) -> Path:
    (tmp_path / ".event-inspector.toml").write_text(text)
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    return sub


def test_found_from_a_subdirectory(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path))
    assert cfg.path == tmp_path / ".event-inspector.toml"
    assert cfg.plan == tmp_path / "plans" / "plan.yaml"
    assert cfg.disabled == {"W034", "I004"}
    assert cfg.severity == {"E005": "warning", "W026": "info"}
    assert "W026" in cfg.enabled  # giving an opt-in rule a severity turns it on
    assert cfg.destinations == {"mixpanel"} and cfg.property_case == "camel"
    assert cfg.warnings == []


def test_defaults_without_file(tmp_path: Path) -> None:
    cfg = load_config(tmp_path)
    assert cfg == LintConfig() or (cfg.path is None and not cfg.disabled)


def test_config_changes_engine_behaviour(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path))
    cfg.plan = None
    eng = LintEngine(cfg)
    found = eng.lint_message(
        {**clean("track"), "event": "cart_viewed", "properties": {"length": 1, "cartSize": 2}}
    )
    rules = {f.rule: f.severity for f in found}
    assert "W034" not in rules and "I004" not in rules  # disabled
    assert "I009" in rules  # mixpanel dialect on
    assert "W035" not in rules  # camelCase configured
    no_event = eng.lint_message({**clean("track"), "event": "", "messageId": "other"})
    assert [(f.rule, f.severity) for f in no_event] == [("E005", "warning")]


def test_off_severity_and_unknown_names(tmp_path: Path) -> None:
    cfg = load_config(
        write(
            tmp_path, '[lint]\ndisable = ["nope"]\n[lint.severity]\nW023 = "off"\nE005 = "fatal"\n'
        )
    )
    assert "W023" in cfg.disabled
    assert any("nope" in w for w in cfg.warnings) and any("fatal" in w for w in cfg.warnings)


def test_broken_toml_raises(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, "[lint\n"))
    with pytest.raises(ConfigError):
        (tmp_path / "x").mkdir()
        load_config(write(tmp_path / "x", '[lint]\nevent_case = "wavy"\n'))


def test_engine_loads_plan_from_config(tmp_path: Path) -> None:
    sub = write(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "plan.yaml").write_text(
        "events:\n  Order Completed:\n    properties:\n      order_id: {type: string}\n"
    )
    eng = LintEngine(load_config(sub))
    assert eng.plan is not None
    assert "W028" in [
        f.rule
        for f in eng.lint_message({**clean("track"), "event": "Cart Viewed", "properties": {}})
    ]
