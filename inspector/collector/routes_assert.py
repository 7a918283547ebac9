"""``POST /api/assert``: a list of expectations, a pass/fail report for each."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.qa_query import compile_for
from inspector.collector.routes_api import BadRequest, pick_session
from inspector.collector.routes_ingest import json_response
from inspector.domain import jsoncodec
from inspector.domain.query import CompiledQuery
from inspector.domain.store_read import Reader

# -- assertions ------------------------------------------------------------------------------
ASSERT_KEYS = {
    "name",
    "q",
    "count",
    "min",
    "max",
    "noLintErrors",
    "noLintWarnings",
    "properties",
    "propertiesMatch",
}
ASSERT_SCAN = 10_000


@dataclass(slots=True)
class Expectation:
    name: str
    q: str
    count: int | None = None
    min: int | None = None
    max: int | None = None
    no_lint_errors: bool = False
    no_lint_warnings: bool = False
    properties: dict[str, Any] | None = None
    properties_match: str = "all"

    @classmethod
    def parse(cls, i: int, raw: Any) -> Expectation:
        where = f"expectations[{i}]"
        if not isinstance(raw, dict):
            raise BadRequest("invalid_expectation", f"{where} must be an object")
        unknown = sorted(set(raw) - ASSERT_KEYS)
        if unknown:
            raise BadRequest(
                "invalid_expectation",
                f"{where}: unknown key(s) {', '.join(unknown)}; expected "
                f"{', '.join(sorted(ASSERT_KEYS))}",
            )
        q = raw.get("q", "")
        if not isinstance(q, str):
            raise BadRequest("invalid_expectation", f"{where}.q must be a string")
        name = raw.get("name") or q or f"expectation {i + 1}"
        if not isinstance(name, str):
            raise BadRequest("invalid_expectation", f"{where}.name must be a string")
        nums: dict[str, int | None] = {}
        for key in ("count", "min", "max"):
            v = raw.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise BadRequest(
                    "invalid_expectation", f"{where}.{key} must be a non-negative integer"
                )
            nums[key] = v
        if nums["count"] is not None and (nums["min"] is not None or nums["max"] is not None):
            raise BadRequest("invalid_expectation", f"{where}: give count, or min/max, not both")
        if nums["min"] is not None and nums["max"] is not None and nums["min"] > nums["max"]:
            raise BadRequest("invalid_expectation", f"{where}: min is greater than max")
        props = raw.get("properties")
        if props is not None and not isinstance(props, dict):
            raise BadRequest(
                "invalid_expectation", f"{where}.properties must be an object of path -> value"
            )
        mode = raw.get("propertiesMatch", "all")
        if mode not in ("all", "any"):
            raise BadRequest("invalid_expectation", f"{where}.propertiesMatch is 'all' or 'any'")
        for key in ("noLintErrors", "noLintWarnings"):
            if not isinstance(raw.get(key, False), bool):
                raise BadRequest("invalid_expectation", f"{where}.{key} must be true or false")
        return cls(
            name,
            q,
            nums["count"],
            nums["min"],
            nums["max"],
            bool(raw.get("noLintErrors")),
            bool(raw.get("noLintWarnings")),
            props,
            mode,
        )

    def bounds(self) -> tuple[int, int | None]:
        if self.count is not None:
            return self.count, self.count
        if self.min is None and self.max is None:
            return 1, None  # by default an expectation asks for at least one event
        return self.min or 0, self.max

    def expected(self) -> dict[str, Any]:
        lo, hi = self.bounds()
        out: dict[str, Any] = {"count": lo} if lo == hi else {"min": lo, "max": hi}
        if self.no_lint_errors:
            out["noLintErrors"] = True
        if self.no_lint_warnings:
            out["noLintWarnings"] = True
        if self.properties is not None:
            out["properties"] = self.properties
            out["propertiesMatch"] = self.properties_match
        return out


_MISSING = object()


def lookup(message: dict[str, Any], path: str) -> Any:
    """A property's value: under ``properties``, then ``traits``, then from the message root."""
    parts = path.split(".")
    for root in (message.get("properties"), message.get("traits"), message):
        cur: Any = root
        for p in parts:
            if isinstance(cur, dict) and p in cur:
                cur = cur[p]
            elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
                cur = cur[int(p)]
            else:
                cur = _MISSING
                break
        if cur is not _MISSING:
            return cur
    return _MISSING


def same_value(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            same_value(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            same_value(a, b) for a, b in zip(expected, actual, strict=True)
        )
    return bool(expected == actual)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def evaluate(
    reader: Reader, session_id: int, exp: Expectation, comp: CompiledQuery
) -> dict[str, Any]:
    """One expectation, checked in a query thread (``reader``: its own connection)."""
    total = comp.count(reader, session_id)
    lo, hi = exp.bounds()
    checks: list[dict[str, Any]] = []
    if lo == hi:
        want = f"exactly {_plural(lo, 'event')}"
    elif hi is None:
        want = f"at least {_plural(lo, 'event')}"
    elif lo == 0:
        want = f"at most {_plural(hi, 'event')}"
    else:
        want = f"between {lo} and {hi} events"
    count_ok = total >= lo and (hi is None or total <= hi)
    checks.append(
        {"check": "count", "passed": count_ok, "message": f"expected {want}, got {total}"}
    )
    events = (
        reader.events(session_id, comp.where, comp.params, limit=ASSERT_SCAN, total=total)
        if total
        else []
    )
    actual: dict[str, Any] = {"count": total}
    for flag, level, word in (
        (exp.no_lint_errors, 3, "error"),
        (exp.no_lint_warnings, 2, "warning"),
    ):
        if not flag:
            continue
        bad = [e for e in events if e.lint_level >= level]
        findings = [
            {
                "event": e.id,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "path": f.path,
            }
            for e in bad
            for f in e.lint
            if (3 if f.severity == "error" else 2 if f.severity == "warning" else 1) >= level
        ][:20]
        key = "lintErrors" if level == 3 else "lintWarnings"
        actual[key] = len(bad)
        checks.append(
            {
                "check": key,
                "passed": not bad,
                "findings": findings,
                "message": (
                    f"no lint {word}s"
                    if not bad
                    else f"{_plural(len(bad), 'event')} with lint {word}s: "
                    + "; ".join(f"#{f['event']} {f['rule']}: {f['message']}" for f in findings[:3])
                ),
            }
        )
    if exp.properties is not None:
        mismatches: list[dict[str, Any]] = []
        ok_events = 0
        for e in events:
            bad_here = []
            for path, want_v in exp.properties.items():
                got = lookup(e.message, path)
                if got is _MISSING:
                    bad_here.append(
                        {"event": e.id, "path": path, "expected": want_v, "missing": True}
                    )
                elif not same_value(want_v, got):
                    bad_here.append(
                        {"event": e.id, "path": path, "expected": want_v, "actual": got}
                    )
            ok_events += not bad_here
            mismatches.extend(bad_here)
        passed = (ok_events == len(events)) if exp.properties_match == "all" else ok_events > 0
        if not events:
            passed = exp.properties_match == "all" and lo == 0
        actual["propertyMismatches"] = len(events) - ok_events
        desc = ", ".join(f"{k}={jsoncodec.dumps_str(v)}" for k, v in exp.properties.items())
        if passed:
            msg = f"{'every' if exp.properties_match == 'all' else 'an'} event has {desc}"
        elif not events:
            msg = f"no event to check {desc} on"
        else:
            first = mismatches[0] if mismatches else {}
            detail = (
                (
                    f"#{first['event']} has no {first['path']}"
                    if first.get("missing")
                    else f"#{first['event']} has {first.get('path')}="
                    f"{jsoncodec.dumps_str(first.get('actual'))}"
                )
                if first
                else ""
            )
            msg = (
                f"{len(events) - ok_events} of {_plural(len(events), 'event')} "
                f"differ from {desc}" + (f" (e.g. {detail})" if detail else "")
            )
        checks.append(
            {"check": "properties", "passed": passed, "message": msg, "mismatches": mismatches[:20]}
        )
    passed = all(c["passed"] for c in checks)
    return {
        "name": exp.name,
        "q": exp.q,
        "passed": passed,
        "expected": exp.expected(),
        "actual": actual,
        "message": "; ".join(c["message"] for c in checks if not c["passed"]) or "ok",
        "checks": checks,
        "events": [e.id for e in events[:1000]],
    }


async def assert_(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    try:
        data = jsoncodec.loads(await request.read())
    except (jsoncodec.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest("invalid_json", f"request body is not JSON: {exc}") from None
    if isinstance(data, list):
        data = {"expectations": data}
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise BadRequest(
            "invalid_body", 'expected {"expectations": [{"q": ..., "count": ...}, ...]}'
        )
    exps = [Expectation.parse(i, e) for i, e in enumerate(data["expectations"])]
    session = pick_session(request)
    if isinstance(data.get("session"), str | int) and not isinstance(data.get("session"), bool):
        found = svc.store.find_session(data["session"])
        if found is None:
            return json_response(
                404, {"code": "unknown_session", "message": f"no session {data['session']!r}"}
            )
        session = found

    def check(reader: Reader) -> list[dict[str, Any]]:  # in a query thread, in the budget
        comps = [
            compile_for(svc, session, e.q, f"expectations[{i}].q", reader)
            for i, e in enumerate(exps)
        ]
        return [evaluate(reader, session.id, e, c) for e, c in zip(exps, comps, strict=True)]

    results = await svc.queries.run(check)
    n_ok = sum(r["passed"] for r in results)
    return json_response(
        200,
        {
            "passed": n_ok == len(results),
            "session": session.to_dict(),
            "summary": {
                "expectations": len(results),
                "passed": n_ok,
                "failed": len(results) - n_ok,
            },
            "results": results,
        },
    )
