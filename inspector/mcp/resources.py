"""What an agent reads before it writes a query: the query-language reference (the file
``docs/query-language.md``, shipped in the wheel as ``inspector/_resources/docs/``) and the
lint catalogue (made from the rules themselves, so it always matches the linter)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

QUERY_LANGUAGE_URI = "event-inspector://docs/query-language"
LINT_CATALOGUE_URI = "event-inspector://lint/catalogue"
QUERY_LANGUAGE_FILE = "query-language.md"


def docs_dirs() -> list[Path]:
    pkg = Path(__file__).resolve().parents[1]  # .../inspector
    dirs = [pkg / "_resources" / "docs", pkg.parent / "docs"]  # wheel, then the repository
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.insert(0, Path(frozen) / "inspector" / "_resources" / "docs")
    return dirs


def query_language() -> str:
    for d in docs_dirs():
        f = d / QUERY_LANGUAGE_FILE
        if f.is_file():
            return f.read_text(encoding="utf-8")
    looked = ", ".join(str(d) for d in docs_dirs())
    raise FileNotFoundError(f"{QUERY_LANGUAGE_FILE} is not installed (looked in {looked})")


def rule_answer(rule_id: str) -> dict[str, Any] | None:
    """What ``explain_rule`` answers: the rule, what it checks, how to fix it, and the query
    that finds the events it flagged."""
    from inspector.domain.lint.registry import lookup

    rule = lookup(rule_id.strip())
    if rule is None:
        return None
    out = rule.to_dict()
    out["find"] = f"rule:{rule.id}"
    if rule.scope == "idgraph":
        out["raisedBy"] = "the identity graph (see the identity tool's warnings), not per event"
    elif rule.scope == "plan":
        out["raisedBy"] = "the tracking plan, when one is loaded"
    return out


def similar_rules(text: str, n: int = 5) -> list[str]:
    import difflib

    from inspector.domain.lint.registry import RULES

    names = [*RULES, *(r.slug for r in RULES.values())]
    close = difflib.get_close_matches(text.strip(), names, n=n, cutoff=0.5)
    return [r.id for r in RULES.values() if r.id in close or r.slug in close][:n]


def lint_catalogue() -> str:
    """Every rule: id, severity, title, what it checks and how to fix it, and its spec link."""
    from inspector.domain.lint.registry import RULES

    lines = [
        "# Lint catalogue",
        "",
        f"{len(RULES)} rules. Query the events a rule flagged with `rule:ID` (e.g. `rule:E005`), "
        "every event with an error with `lint:error`. Severities are the defaults; "
        "`.event-inspector.toml` may change them or disable a rule. Rules marked "
        "*identity graph* are raised by identity resolution (the identity tool's warnings); "
        "*plan* rules only with a tracking plan; *off by default* rules only when enabled.",
    ]
    by_category: dict[str, list[Any]] = {}
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        by_category.setdefault(rule.category, []).append(rule)
    for category, rules in sorted(by_category.items()):
        lines += ["", f"## {category}", ""]
        for r in rules:
            notes = []
            if r.scope == "idgraph":
                notes.append("identity graph")
            elif r.scope == "plan":
                notes.append("plan")
            if r.dialect:
                notes.append(f"with {r.dialect}")
            if not r.default_enabled:
                notes.append("off by default")
            extra = f" ({', '.join(notes)})" if notes else ""
            links = " ".join(f"<{u}>" for u in r.url.split())
            lines.append(f"- **{r.id}** {r.severity}{extra}: {r.title}. {r.explanation} {links}")
    return "\n".join(lines) + "\n"
