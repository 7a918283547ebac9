"""The lint profile: a plan reaches linters made later (worker processes read it from the
file named in the environment), changes apply to the next linter, a broken plan never stops
linting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from inspector.domain.lint import profile
from inspector.domain.lint.profile import LintProfile, activate, configured_linter, current

PLAN = (
    "events:\n  Order Completed:\n    properties:\n      order_id: {type: string, required: true}\n"
)
ORDER = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u",
    "messageId": "m",
    "properties": {},
}


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv(profile.ENV, raising=False)
    yield
    profile.deactivate()


def rules(engine, msg=ORDER):
    return {f.rule for f in engine.lint_message(msg)}


def test_without_a_profile_nothing_changes(clean_env, tmp_path):
    assert current() == LintProfile()
    assert "E015" not in rules(configured_linter(str(tmp_path)))


def test_a_plan_applies_to_the_next_linter_even_in_another_process(clean_env, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    path = activate(LintProfile(plan=str(plan), config_dir=str(tmp_path)))
    assert os.environ[profile.ENV] == str(path)
    assert "E015" in rules(configured_linter())
    code = (
        "from inspector.ingest import default_linter\n"
        "e = default_linter()\n"
        f"print(sorted({{f.rule for f in e.lint_message({ORDER!r})}}))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "'E015'" in r.stdout, r.stdout + r.stderr
    # rewritten: the next linter has no plan (the same file, so the workers read it again)
    assert activate(LintProfile(config_dir=str(tmp_path))) == path
    assert "E015" not in rules(configured_linter())


def test_a_plan_broken_since_lints_without_it(clean_env, tmp_path, caplog):
    plan = tmp_path / "plan.yaml"
    plan.write_text("events: [")
    activate(LintProfile(plan=str(plan), config_dir=str(tmp_path)))
    engine = configured_linter()
    assert engine.plan is None and "E015" not in rules(engine)
    assert "tracking plan unusable" in caplog.text


def test_the_config_dir_finds_the_project_toml(clean_env, tmp_path):
    (tmp_path / ".event-inspector.toml").write_text('[lint]\ndisable = ["E003"]\n')
    activate(LintProfile(config_dir=str(tmp_path)))
    assert "E003" not in rules(configured_linter(), {"type": "track", "event": "X"})
    assert current().config_path() == tmp_path / ".event-inspector.toml"


def test_a_child_never_writes_its_parents_profile(clean_env, tmp_path):
    """``serve --plan`` started by a process that has a profile makes a file of its own."""
    parent = activate(LintProfile())
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    code = (
        "from inspector.domain.lint.profile import LintProfile, activate\n"
        f"print(activate(LintProfile(plan={str(plan)!r})))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() != str(parent)
    assert current() == LintProfile()  # the parent's profile is still its own
