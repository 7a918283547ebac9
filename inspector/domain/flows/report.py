"""A flow result as people read it (a checklist) and as CI reads it (JUnit XML). Both work on
the API's JSON shape, so the CLI, the pytest plugin and tests share them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

MARK = {"matched": "[x]", "missing": "[ ]", "out_of_order": "[!]"}
WORD = {"matched": "matched", "missing": "MISSING", "out_of_order": "OUT OF ORDER"}


def _event(s: dict[str, Any] | None, eid: Any) -> str:
    if not s:
        return f"#{eid}" if eid is not None else ""
    label = f" {s['label']!r}" if s.get("label") else ""
    who = s.get("userId") or s.get("anonymousId")
    return f"#{s['id']} {s['type']}{label}" + (f" ({who})" if who else "")


def headline(result: dict[str, Any]) -> str:
    steps = result.get("steps") or []
    n_ok = sum(s.get("status") == "matched" for s in steps)
    word = "passed" if result.get("passed") else "FAILED"
    who = result.get("person")
    person = f"person {who}" if who else "no person had any step"
    return (
        f"flow {result.get('name', 'flow')!r} {word}: {n_ok} of {len(steps)} "
        f"step{'s' * (len(steps) != 1)} matched ({person})"
    )


def checklist_text(result: dict[str, Any], *, misses: bool = True) -> str:
    lines = [headline(result)]
    steps = result.get("steps") or []
    width = min(max((len(s.get("name") or s["q"]) for s in steps), default=0), 60)
    for n, s in enumerate(steps, 1):
        status = s.get("status", "missing")
        label = s.get("name") or s["q"]
        label = label if len(label) <= 60 else label[:59] + "…"
        ev = _event(s.get("summary"), s.get("event"))
        what = ev if status == "matched" else f"{WORD[status]}" + (f": {ev}" if ev else "")
        lines.append(f"  {MARK.get(status, '[?]')} {n}. {label.ljust(width)}  {what}")
        if misses and status != "matched":
            found = s.get("closestMisses") or []
            if not found:
                lines.append("        closest misses: none (no event comes near this step)")
            for m in found:
                ev_text = f"#{m.get('event')} {m.get('type') or ''}"
                if m.get("label"):
                    ev_text += f" {m['label']!r}"
                lines.append(f"        - {ev_text.rstrip()}: {m.get('why')}")
    return "\n".join(lines)


def junit_xml(result: dict[str, Any], source: str = "") -> str:
    """One test suite per flow, one test case per step."""
    steps = result.get("steps") or []
    failed = [s for s in steps if s.get("status") != "matched"]
    suites = ET.Element("testsuites", name="event-inspector flow")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"flow {result.get('name', 'flow')}",
        tests=str(len(steps)),
        failures=str(len(failed)),
        errors="0",
        skipped="0",
    )
    if source:
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="source", value=source)
        ET.SubElement(props, "property", name="person", value=str(result.get("person") or ""))
    for n, s in enumerate(steps, 1):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"event-inspector.flow.{result.get('name', 'flow')}",
            name=f"step {n}: {s.get('name') or s['q']}",
        )
        status = s.get("status")
        if status == "matched":
            ET.SubElement(case, "system-out").text = "matched " + _event(
                s.get("summary"), s.get("event")
            )
            continue
        fail = ET.SubElement(case, "failure", type=str(status), message=f"{WORD[str(status)]}")
        body = [f"{WORD[str(status)]}" + (f": event #{s['event']}" if s.get("event") else "")]
        body += [f"#{m.get('event')}: {m.get('why')}" for m in s.get("closestMisses") or []]
        fail.text = "\n".join(body)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
