"""Lint configuration: ``[lint]`` of ``.event-inspector.toml``, found from a directory upwards."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.domain.lint.registry import RULES, lookup

CONFIG_NAME = ".event-inspector.toml"
SEVERITIES = ("error", "warning", "info")
CASES = ("title", "snake", "camel", "pascal", "kebab", "screaming", "lower words", "auto", "off")
DESTINATIONS = ("mixpanel", "amplitude", "kissmetrics", "customerio", "posthog", "unify")


class ConfigError(ValueError):
    """The configuration file cannot be used."""


@dataclass(slots=True)
class LintConfig:
    disabled: frozenset[str] = frozenset()  # rule ids turned off
    enabled: frozenset[str] = frozenset()  # rule ids turned on that are off by default
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity
    plan: Path | None = None
    destinations: frozenset[str] = frozenset()  # dialect rules to run (mixpanel, amplitude…)
    event_case: str = "title"
    property_case: str = "snake"
    future_minutes: float = 5.0
    max_skew_hours: float = 24.0
    b2b: bool = False
    path: Path | None = None  # the file this came from
    warnings: list[str] = field(default_factory=list)

    def is_enabled(self, rule_id: str) -> bool:
        rule = RULES[rule_id]
        if rule_id in self.disabled:
            return False
        if (
            rule.dialect is not None
            and rule.dialect not in self.destinations
            and rule_id not in self.enabled
        ):
            return False
        return rule.default_enabled or rule_id in self.enabled

    def severity_of(self, rule_id: str) -> str:
        return self.severity.get(rule_id) or RULES[rule_id].severity


def _names(value: Any, what: str, warnings: list[str]) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"lint.{what} must be a list of rule ids")
    ids = set()
    for name in value:
        rule = lookup(str(name))
        if rule is None:
            warnings.append(f"lint.{what}: unknown rule {name!r}")
        else:
            ids.add(rule.id)
    return ids


def config_from_dict(data: dict[str, Any], base: Path | None = None) -> LintConfig:
    lint = data.get("lint", data)
    if not isinstance(lint, dict):
        raise ConfigError("[lint] must be a table")
    warnings: list[str] = []
    disabled = _names(lint.get("disable"), "disable", warnings)
    enabled = _names(lint.get("enable"), "enable", warnings)
    sev: dict[str, str] = {}
    for name, level in (lint.get("severity") or {}).items():
        rule = lookup(str(name))
        level = str(level).lower()
        if rule is None:
            warnings.append(f"lint.severity: unknown rule {name!r}")
        elif level in ("off", "none", "disable", "disabled"):
            disabled.add(rule.id)
        elif level not in SEVERITIES:
            warnings.append(f"lint.severity.{name}: {level!r} is not error/warning/info/off")
        else:
            sev[rule.id] = level
            if not rule.default_enabled or rule.dialect:
                enabled.add(rule.id)  # giving an opt-in rule a severity turns it on
    cfg = LintConfig(
        disabled=frozenset(disabled), enabled=frozenset(enabled), severity=sev, warnings=warnings
    )
    plan = lint.get("plan")
    if plan:
        p = Path(str(plan)).expanduser()
        cfg.plan = p if p.is_absolute() or base is None else (base / p)
    dests = lint.get("destinations") or []
    dests = [dests] if isinstance(dests, str) else dests
    for d in dests:
        if str(d).lower() not in DESTINATIONS:
            warnings.append(f"lint.destinations: unknown destination {d!r}")
    cfg.destinations = frozenset(str(d).lower() for d in dests)
    for key in ("event_case", "property_case"):
        if key in lint:
            v = str(lint[key]).lower().replace("_case", "").replace("-case", "")
            if v not in CASES:
                raise ConfigError(f"lint.{key}: {lint[key]!r} is not one of " + ", ".join(CASES))
            setattr(cfg, key, v)
    try:
        cfg.future_minutes = float(lint.get("future_minutes", cfg.future_minutes))
        cfg.max_skew_hours = float(lint.get("max_skew_hours", cfg.max_skew_hours))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"lint thresholds must be numbers: {exc}") from exc
    cfg.b2b = bool(lint.get("b2b", False))
    return cfg


def find_config(start_dir: Path) -> Path | None:
    d = Path(start_dir).resolve()
    for folder in (d, *d.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(start_dir: Path | str = ".") -> LintConfig:
    """The config of the nearest ``.event-inspector.toml`` from ``start_dir`` upwards;
    defaults when there is none. Raises ConfigError on an unreadable file."""
    path = find_config(Path(start_dir))
    if path is None:
        return LintConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    cfg = config_from_dict(data.get("lint", {}), path.parent)
    cfg.path = path
    return cfg
