"""Editing .event-inspector.toml from the window: the user's file stays theirs (comments,
order, other tables), and what is written is what the linter then does."""

from __future__ import annotations

import pytest

from inspector.domain.lint import LintEngine, load_config
from inspector.domain.lint.config import ConfigError
from inspector.domain.lint.config_edit import (
    project_config,
    set_destination,
    set_enabled,
    set_muted,
    set_severity,
)

USERS = """\
# our project's analytics rules
[lint]
plan = "plan.yaml"   # the tracking plan
disable = ["W034"]

[lint.severity]
E005 = "warning"

[other]
keep = true
"""

ORDER = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u1",
    "messageId": "m1",
    "properties": {"revenue": 9.99, "currency": "EUR"},
}


def test_edits_keep_the_users_file(tmp_path):
    path = tmp_path / ".event-inspector.toml"
    path.write_text(USERS)
    set_muted(path, "I001")
    set_severity(path, "W026", "error")
    set_enabled(path, "W025", True)
    set_destination(path, "mixpanel", True)
    text = path.read_text()
    assert text.startswith("# our project's analytics rules\n[lint]\n")
    assert 'plan = "plan.yaml"   # the tracking plan' in text
    assert "[other]\nkeep = true" in text
    cfg = load_config(tmp_path)
    assert cfg.disabled == {"W034", "I001"}
    assert cfg.severity == {"E005": "warning", "W026": "error"}
    assert "W025" in cfg.enabled and cfg.destinations == {"mixpanel"}
    set_muted(path, "I001", False)
    set_severity(path, "E005", None)
    set_enabled(path, "W025", False)
    cfg = load_config(tmp_path)
    assert cfg.disabled == {"W034"} and "E005" not in cfg.severity and "W025" not in cfg.enabled


def test_what_is_written_is_what_the_linter_does(tmp_path):
    path = project_config(tmp_path)
    assert path == tmp_path.resolve() / ".event-inspector.toml" and not path.exists()
    msg = {**ORDER, "properties": {"revenue": 9.99}}  # no order_id (W025), no currency (W026)
    before = {f.rule for f in LintEngine(load_config(tmp_path)).lint_message(msg)}
    assert not {"W025", "W026"} & before  # policy rules are off by default
    set_enabled(path, "W025", True)
    set_severity(path, "W026", "error")  # a severity turns an opt-in rule on too
    got = {f.rule: f.severity for f in LintEngine(load_config(tmp_path)).lint_message(msg)}
    assert got["W025"] == "warning" and got["W026"] == "error"
    set_muted(path, "W026")
    got = {f.rule for f in LintEngine(load_config(tmp_path)).lint_message(msg)}
    assert "W026" not in got and "W025" in got


def test_found_upwards(tmp_path):
    (tmp_path / ".event-inspector.toml").write_text("[lint]\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert project_config(sub) == tmp_path / ".event-inspector.toml"


def test_refuses_what_it_cannot_do(tmp_path):
    path = tmp_path / ".event-inspector.toml"
    with pytest.raises(ConfigError, match="unknown rule"):
        set_muted(path, "X999")
    with pytest.raises(ConfigError, match="not one of"):
        set_severity(path, "E005", "fatal")
    with pytest.raises(ConfigError, match="unknown destination"):
        set_destination(path, "nowhere", True)
    path.write_text("[lint\n")
    with pytest.raises(ConfigError):
        set_muted(path, "E005")
    assert path.read_text() == "[lint\n"  # a broken file is left as it is
