"""Change the project's ``.event-inspector.toml`` from the window: mute a rule, set its
severity, turn an opt-in (policy) rule or a destination's rules on. The file is edited with
tomlkit, so the user's comments, order and other tables stay as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from inspector.domain.lint.config import CONFIG_NAME, SEVERITIES, ConfigError, find_config
from inspector.domain.lint.registry import RULES


def project_config(start_dir: Path) -> Path:
    """The ``.event-inspector.toml`` in effect for ``start_dir`` (searched upwards), or where
    a new one goes (``start_dir`` itself)."""
    return find_config(start_dir) or Path(start_dir).resolve() / CONFIG_NAME


def _load(path: Path) -> tomlkit.TOMLDocument:
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        return tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _lint(doc: tomlkit.TOMLDocument) -> Any:
    if "lint" not in doc:
        doc["lint"] = tomlkit.table()
    lint = doc["lint"]
    if not isinstance(lint, dict):
        raise ConfigError("[lint] is not a table")
    return lint


def _ids(lint: Any, key: str) -> list[str]:
    v = lint.get(key)
    if v is None:
        return []
    return [str(x) for x in (v if isinstance(v, list) else [v])]


def _set_ids(lint: Any, key: str, ids: list[str]) -> None:
    if ids:
        arr = tomlkit.array()
        arr.extend(sorted(set(ids)))
        lint[key] = arr
    elif key in lint:
        del lint[key]


def _save(path: Path, doc: tomlkit.TOMLDocument) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _rule(rule_id: str) -> str:
    if rule_id not in RULES:
        raise ConfigError(f"unknown rule {rule_id!r}")
    return rule_id


def set_muted(path: Path, rule_id: str, muted: bool = True) -> Path:
    """Add ``rule_id`` to ``[lint] disable`` (or take it out)."""
    _rule(rule_id)
    doc = _load(path)
    lint = _lint(doc)
    ids = [i for i in _ids(lint, "disable") if i != rule_id]
    if muted:
        ids.append(rule_id)
        sev = lint.get("severity")
        if isinstance(sev, dict) and rule_id in sev and str(sev[rule_id]).lower() == "off":
            del sev[rule_id]
    _set_ids(lint, "disable", ids)
    return _save(path, doc)


def set_severity(path: Path, rule_id: str, severity: str | None) -> Path:
    """``[lint.severity] RULE = severity``; None takes the override out (the rule's own)."""
    if severity is not None and severity not in SEVERITIES:
        raise ConfigError(f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    _rule(rule_id)
    doc = _load(path)
    lint = _lint(doc)
    sev = lint.get("severity")
    if severity is None:
        if isinstance(sev, dict) and rule_id in sev:
            del sev[rule_id]
    else:
        if not isinstance(sev, dict):
            sev = lint["severity"] = tomlkit.table()
        sev[rule_id] = severity
        _set_ids(lint, "disable", [i for i in _ids(lint, "disable") if i != rule_id])
    return _save(path, doc)


def set_enabled(path: Path, rule_id: str, enabled: bool) -> Path:
    """Turn an opt-in rule (off by default, e.g. W025) on in ``[lint] enable``, or off."""
    _rule(rule_id)
    doc = _load(path)
    lint = _lint(doc)
    ids = [i for i in _ids(lint, "enable") if i != rule_id]
    if enabled:
        ids.append(rule_id)
        _set_ids(lint, "disable", [i for i in _ids(lint, "disable") if i != rule_id])
    _set_ids(lint, "enable", ids)
    return _save(path, doc)


def set_destination(path: Path, destination: str, on: bool) -> Path:
    """Run a destination's rules (``[lint] destinations``: mixpanel, amplitude, …)."""
    from inspector.domain.lint.config import DESTINATIONS

    if destination not in DESTINATIONS:
        raise ConfigError(f"unknown destination {destination!r}")
    doc = _load(path)
    lint = _lint(doc)
    ids = [d for d in _ids(lint, "destinations") if d != destination]
    if on:
        ids.append(destination)
    _set_ids(lint, "destinations", ids)
    return _save(path, doc)
