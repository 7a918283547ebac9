"""Lint counts of the shown session: findings per rule (the lint panel) and events per level
(the status bar)."""

from __future__ import annotations

from typing import Any

from inspector.domain.capture import SEVERITY_LEVEL


class LintCounts:
    """Findings per rule, for the lint panel, and events per level, for the status bar."""

    def __init__(self) -> None:
        self.by_rule: dict[str, list[Any]] = {}  # rule -> [severity, events, example message]
        self.errors = 0  # events whose worst finding is an error
        self.warnings = 0  # events whose worst finding is a warning
        self.findings = 0  # findings in all
        self.events = 0  # events with at least one finding

    def add(self, findings: list[Any], times: int = 1) -> int:
        """Count one event's findings (``times`` events with these findings); returns its lint
        level (3 error, 2 warning, 1 info)."""
        by_rule = self.by_rule
        if findings:
            self.findings += len(findings) * times
            self.events += times
        worst = 0
        seen: tuple[str, ...] | set[str] = ()
        for f in findings:
            if isinstance(f, dict):
                rule, sev, msg = f["rule"], f["severity"], f.get("message", "")
            else:
                rule, sev, msg = f.rule, f.severity, f.message
            level = SEVERITY_LEVEL.get(sev, 1)
            if level > worst:
                worst = level
            if rule in seen:
                continue
            seen = (*seen, rule) if len(seen) < 8 else {*seen, rule}
            entry = by_rule.get(rule)
            if entry is None:
                by_rule[rule] = [sev, times, msg]
            else:
                entry[1] += times
        if worst == 3:
            self.errors += times
        elif worst == 2:
            self.warnings += times
        return worst

    def merge(self, older: LintCounts) -> None:
        """Add the counts of ``older`` (events that arrived before those counted here)."""
        for rule, (sev, n, msg) in older.by_rule.items():
            entry = self.by_rule.get(rule)
            if entry is None:
                self.by_rule[rule] = [sev, n, msg]
            else:
                entry[1] += n
        self.errors += older.errors
        self.warnings += older.warnings
        self.findings += older.findings
        self.events += older.events
