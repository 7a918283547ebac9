"""Lint the user can steer, from the lint panel: mute a rule, change its severity, turn the
policy rules (off by default, e.g. W025 "order_id required") and a destination's rules on.
Each choice is written to the project's ``.event-inspector.toml`` and applied live: the
linters are made again from the file, and the panel shows the rules as configured."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from inspector.domain.lint import RULES, ConfigError, LintConfig, load_config
from inspector.domain.lint.config import DESTINATIONS, SEVERITIES
from inspector.domain.lint.config_edit import (
    project_config,
    set_destination,
    set_enabled,
    set_muted,
    set_severity,
)

POLICY_RULES = tuple(sorted(r.id for r in RULES.values() if not r.default_enabled))


class LintSteer:
    """``start_dir``: where the project's config is looked for (the working directory);
    ``applied(path)`` runs after a change is written (reset the linters, refresh views);
    ``failed(message)`` when it cannot be."""

    def __init__(
        self,
        start_dir: Path,
        applied: Callable[[Path], None],
        failed: Callable[[str], None],
    ) -> None:
        self.start_dir = start_dir
        self.applied, self.failed = applied, failed

    @property
    def path(self) -> Path:
        return project_config(self.start_dir)

    def config(self) -> LintConfig:
        try:
            return load_config(self.start_dir)
        except ConfigError:
            return LintConfig()

    def change(self, fn: Callable[..., Path], *args: Any) -> bool:
        try:
            path = fn(self.path, *args)
        except ConfigError as exc:
            self.failed(str(exc))
            return False
        self.applied(path)
        return True

    # -- the panel shows the rules as configured ------------------------------------------
    def view(self, by_rule: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """The lint panel's rows with muted rules left out and severities as configured."""
        cfg = self.config()
        out = {}
        for rule, row in by_rule.items():
            if rule in cfg.disabled:
                continue
            sev = cfg.severity.get(rule)
            out[rule] = [sev or row[0], *row[1:]]
        return out

    # -- the menu -------------------------------------------------------------------------
    def menu(self, rule: str | None, parent: QWidget) -> QMenu:
        cfg = self.config()
        menu = QMenu(parent)
        where = str(self.path)
        if rule:
            r = RULES.get(rule)
            muted = rule in cfg.disabled
            act = menu.addAction(f"Unmute {rule}" if muted else f"Mute {rule}")
            act.setToolTip(f"written to {where}")
            act.triggered.connect(lambda: self.change(set_muted, rule, not muted))
            sev = menu.addMenu(f"Severity of {rule}")
            current = cfg.severity.get(rule)
            for level in SEVERITIES:
                a = QAction(level + (" (the rule's own)" if r and r.severity == level else ""), sev)
                a.setCheckable(True)
                a.setChecked((current or (r.severity if r else "")) == level)
                a.triggered.connect(lambda _=False, lv=level: self.change(set_severity, rule, lv))
                sev.addAction(a)
            if current:
                sev.addSeparator()
                sev.addAction(
                    "Back to the rule's own", lambda: self.change(set_severity, rule, None)
                )
            menu.addSeparator()
        policy = menu.addMenu("Policy rules (off by default)")
        for rid in POLICY_RULES:
            a = QAction(f"{rid}  {RULES[rid].title}", policy)
            a.setCheckable(True)
            a.setChecked(cfg.is_enabled(rid))
            a.setToolTip(RULES[rid].explanation)
            a.toggled.connect(lambda on, rid=rid: self.change(set_enabled, rid, on))
            policy.addAction(a)
        dests = menu.addMenu("Destination rules")
        for d in DESTINATIONS:
            a = QAction(d, dests)
            a.setCheckable(True)
            a.setChecked(d in cfg.destinations)
            a.toggled.connect(lambda on, d=d: self.change(set_destination, d, on))
            dests.addAction(a)
        menu.addSeparator()
        info = menu.addAction(f"Saved to {where}")
        info.setEnabled(False)
        return menu


def in_effect(config: LintConfig, config_path: Path | None, plan: str | None) -> list[str]:
    """The lint and plan options in effect, one line each (Settings, the QA menu)."""
    rows = [
        "Config file: "
        + (str(config_path) if config_path else "none (defaults; the lint panel creates one)"),
        f"Tracking plan: {plan or 'none'}",
        "Muted rules: " + (", ".join(sorted(config.disabled)) or "none"),
        "Severity changed: "
        + (", ".join(f"{k} → {v}" for k, v in sorted(config.severity.items())) or "none"),
        "Policy rules on: "
        + (", ".join(r for r in POLICY_RULES if config.is_enabled(r)) or "none"),
        "Destination rules: " + (", ".join(sorted(config.destinations)) or "none"),
        f"Event names: {config.event_case} case; properties: {config.property_case} case",
    ]
    rows += [f"Config warning: {w}" for w in config.warnings]
    return rows
