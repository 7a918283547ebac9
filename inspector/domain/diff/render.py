"""A comparison as text (the CLI) or JUnit XML (CI)."""

from __future__ import annotations

from typing import Any

from inspector.domain.diff.compare import DiffResult


def render_text(result: DiffResult, strict: bool = False) -> str:
    b, c = result.baseline, result.current
    lines = [
        f"baseline: {b.label} ({b.total} events, {len(b.events)} kinds)",
        f"current:  {c.label} ({c.total} events, {len(c.events)} kinds)",
        "",
    ]
    regs = result.regressions
    others = [x for x in result.changes if not x.regression]
    if regs:
        lines.append(f"REGRESSIONS ({len(regs)})")
        lines += [f"  - {x.message}" for x in regs]
        lines.append("")
    if others:
        lines.append(f"CHANGES ({len(others)})")
        marks = {"event_added": "+", "property_added": "+"}
        lines += [f"  {marks.get(x.kind, '~')} {x.message}" for x in others]
        lines.append("")
    same = sum(r.status == "same" for r in result.rows)
    if result.identical:
        verdict = "SAME: the current session sends what the baseline did"
    elif result.regressed:
        verdict = (
            f"REGRESSED: {len(regs)} regression{'s' * (len(regs) != 1)}, "
            f"{len(others)} other change{'s' * (len(others) != 1)}"
        )
    else:
        verdict = f"CHANGED: {len(others)} change{'s' * (len(others) != 1)}, no regression" + (
            " (failing: --strict)" if strict else ""
        )
    lines.append(f"{verdict}; {same} of {len(result.rows)} event kinds unchanged")
    return "\n".join(lines)


def _xml(s: Any) -> str:
    text = str(s)
    text = "".join(ch if ch in "\t\n\r" or ord(ch) >= 32 else "?" for ch in text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def render_junit(result: DiffResult, strict: bool = False) -> str:
    """JUnit XML: one test case per event kind, failing on regressions (or any change)."""
    cases = []
    failures = 0
    for r in result.rows:
        bad = [x for x in r.changes if x.regression or strict]
        name = r.key[1] or r.key[0]
        body = ""
        if bad:
            failures += 1
            msg = _xml(bad[0].message)
            detail = _xml("\n".join(x.message for x in bad))
            body += f'<failure message="{msg}" type="{bad[0].kind}">{detail}</failure>'
        notes = [x.message for x in r.changes if x not in bad]
        if notes:
            body += f"<system-out>{_xml(chr(10).join(notes))}</system-out>"
        cases.append(
            f'  <testcase classname="event-inspector.diff.{_xml(r.key[0])}" '
            f'name="{_xml(name)}">{body}</testcase>'
        )
    head = (
        f'<testsuite name="event-inspector diff" tests="{len(result.rows)}" '
        f'failures="{failures}" errors="0" skipped="0">'
    )
    props = (
        f'  <properties><property name="baseline" value="{_xml(result.baseline.label)}"/>'
        f'<property name="current" value="{_xml(result.current.label)}"/>'
        f'<property name="tolerance" value="{result.tolerance}"/></properties>'
    )
    return "\n".join(
        ['<?xml version="1.0" encoding="UTF-8"?>', head, props, *cases, "</testsuite>", ""]
    )
