"""Assertions for QA and CI: ``GET /api/wait`` and ``POST /api/assert``.

``/api/wait`` never polls SQLite in a loop. A waiter registers itself *before* it reads what is
already stored; from then on the collector's listener (called on the loop thread once a request
is committed) hands it only the new events, which it tests with the compiled Python predicate.
Events seen both ways are counted once (by event id). Many waiters cost one predicate call per
waiter per new event, and nothing at all while no event arrives.
"""

from __future__ import annotations

import asyncio
import difflib
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.routes_api import BadRequest, int_param, pick_session
from inspector.collector.routes_ingest import json_response
from inspector.collector.service import CollectorService
from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent, RawRequest

Predicate = Callable[[CapturedEvent], bool]
MAX_TIMEOUT = 600.0
MISS_SCAN = 5000  # most recent events scanned for closest misses
MISS_SHOWN = 5


# -- compiling -------------------------------------------------------------------------------
@dataclass(slots=True)
class Compiled:
    q: str
    predicate: Predicate
    where: str
    params: list[Any]
    ctx: Any = None


def _context(svc: CollectorService) -> Any:
    from inspector.domain.query import MatchContext

    ident = svc.identity
    return MatchContext(identifiers_of=getattr(ident, "identifiers_of", None)
                        if ident is not None else None)


def compile_q(svc: CollectorService, q: str, what: str = "q") -> Compiled:
    """Python predicate and SQL for one expression; BadRequest (400) with the parser's text."""
    if not q.strip():
        return Compiled(q, lambda ev: True, "", [])
    from inspector.domain.query import QueryError, parse

    try:
        query = parse(q)
    except QueryError as exc:
        raise BadRequest("invalid_query", f"{what}: {exc}") from exc
    ctx = _context(svc)
    where, params = query.to_sql(ctx)

    def predicate(ev: CapturedEvent) -> bool:
        return bool(query.matches(ev, ctx))

    return Compiled(q, predicate, where, list(params), ctx)


def and_where(where: str, extra: str) -> str:
    return f"({where}) AND {extra}" if where else extra


# -- waiting ---------------------------------------------------------------------------------
@dataclass(eq=False)
class Waiter:
    session_id: int
    predicate: Predicate
    count: int
    after: int
    future: asyncio.Future[str]
    found: dict[int, CapturedEvent] = field(default_factory=dict)
    key: tuple[Any, ...] = ()

    def add(self, ev: CapturedEvent) -> None:
        self.found.setdefault(ev.id, ev)
        if len(self.found) >= self.count and not self.future.done():
            self.future.set_result("matched")

    def take(self, hits: Iterable[CapturedEvent]) -> None:
        """Events of its session that matched its query, as they are committed."""
        for ev in hits:
            if ev.id > self.after:
                self.add(ev)

    def fail(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)


@dataclass(eq=False)
class WaitGroup:
    """Waiters on the same query of the same session share one predicate call per event."""

    session_id: int
    predicate: Predicate
    waiters: set[Waiter] = field(default_factory=set)


class WaitRegistry:
    """The waiters of one collector, fed by its listener."""

    def __init__(self) -> None:
        self.groups: dict[tuple[Any, ...], WaitGroup] = {}
        self.evaluations = 0  # predicate calls, for tests and benchmarks

    @property
    def waiters(self) -> set[Waiter]:
        return {w for g in self.groups.values() for w in g.waiters}

    def on_events(self, events: list[CapturedEvent], raw: RawRequest) -> None:
        if not events or not self.groups:
            return
        for group in list(self.groups.values()):
            sid, pred = group.session_id, group.predicate
            try:
                hits = [ev for ev in events if ev.session_id == sid and pred(ev)]
            except Exception as exc:  # a predicate bug fails its waiters, never ingest
                for w in list(group.waiters):
                    w.fail(exc)
                continue
            self.evaluations += len(events)
            if hits:
                for w in list(group.waiters):
                    w.take(hits)

    def add(self, w: Waiter) -> None:
        group = self.groups.get(w.key)
        if group is None:
            group = self.groups[w.key] = WaitGroup(w.session_id, w.predicate)
        group.waiters.add(w)

    def discard(self, w: Waiter) -> None:
        group = self.groups.get(w.key)
        if group is not None:
            group.waiters.discard(w)
            if not group.waiters:
                del self.groups[w.key]

    async def close(self, app: web.Application) -> None:
        for w in self.waiters:
            if not w.future.done():
                w.future.set_result("shutdown")


WAITS: web.AppKey[WaitRegistry] = web.AppKey("qa_waits", WaitRegistry)


def float_param(request: web.Request, name: str, default: float, lo: float, hi: float) -> float:
    raw = request.query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest("invalid_parameter", f"{name}={raw!r} is not a number") from None
    if not (lo <= value <= hi) or math.isnan(value):
        raise BadRequest("invalid_parameter", f"{name}={value:g} is outside {lo:g}..{hi:g}")
    return value


async def wait(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    registry = request.app[WAITS]
    q = request.query.get("q", "")
    count = int_param(request, "count", 1, 0, 1_000_000)
    timeout = float_param(request, "timeout", 10.0, 0.0, MAX_TIMEOUT)
    after = int_param(request, "after", 0, 0, 1 << 62)
    limit = int_param(request, "limit", 100, 0, 100_000)
    comp = compile_q(svc, q)
    started = time.monotonic()
    session = svc.session
    # the identity graph is part of the key: user:X predicates are bound to the live graph
    waiter = Waiter(session.id, comp.predicate, max(count, 1), after,
                    asyncio.get_running_loop().create_future(),
                    key=(session.id, q, id(svc.identity)))
    registry.add(waiter)  # first: nothing committed from here on can be missed
    where = and_where(comp.where, "id > ?")
    params = [*comp.params, after]
    preload = max(count, limit, 1)
    try:
        await svc.writer.flush()
        stored = svc.store.events(session.id, where, params, limit=preload)
        for ev in stored:
            waiter.add(ev)
        outcome = "matched" if count == 0 or waiter.future.done() else None
        if outcome is None:
            try:
                outcome = await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
            except TimeoutError:
                outcome = "timeout"
    finally:
        registry.discard(waiter)
    waited_ms = round((time.monotonic() - started) * 1000)
    found = sorted(waiter.found.values(), key=lambda e: e.id)
    # everything stored before the wait was loaded unless the preload filled up
    total = (len(found) if len(stored) < preload
             else svc.store.count_events(session.id, where, params))
    body: dict[str, Any] = {
        "matched": outcome == "matched", "q": q, "count": count, "total": total,
        "waitedMs": waited_ms, "session": session.to_dict(),
    }
    body["events"] = [e.to_api() for e in found[:limit]]
    if outcome == "matched":
        return json_response(200, body)
    if outcome == "shutdown":
        body.update(code="shutting_down", message="the collector is stopping")
        return json_response(503, body)
    got = len(found)
    body.update(
        code="timeout",
        message=f"waited {timeout:g} s for {count} event{'s' * (count != 1)} matching "
                f"{q or '(everything)'!r}; {got} matched",
        closestMisses=closest_misses(svc, comp, session.id, set(waiter.found), after),
        arrived=arrived_summary(svc, session.id),
    )
    return json_response(408, body)


# -- closest misses --------------------------------------------------------------------------
MISS_EXPLANATION = (
    "Events that did not match, best first. The query is split into its top-level AND-terms "
    "and each term is tried on its own: 'termsMatched' counts how many an event satisfies "
    "(a term list of one means the query could not be split, e.g. it uses OR). Ties are broken "
    "by 'nameSimilarity' (0..1, case and punctuation ignored) between the event/page name the "
    "query asks for and the event's own name, then by 'sameType', then by recency. Only events "
    "with at least one matching term, a name similarity of 0.5 or more, or the type asked for "
    "are listed. Open one with GET /api/events/{id}."
)
_NAME_TERM = re.compile(
    r"""^(?:event|name|label)\s*[:=]\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))$""", re.IGNORECASE)
_TYPE_TERM = re.compile(r"^type\s*[:=]\s*[\"']?(\w+)[\"']?$", re.IGNORECASE)
_JOINERS = {"AND", "&&", "&"}
_DISJOIN = {"OR", "||", "|"}
_PREFIX = {"NOT", "!", "-"}
_OPERATORS = {">", "<", ">=", "<=", "=", "==", "!=", "~", ":"}


def top_level_tokens(text: str) -> list[str]:
    """Whitespace-separated tokens outside quotes and parentheses."""
    tokens: list[str] = []
    cur: list[str] = []
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\" and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = ""
        elif ch == '"' or (ch == "/" and (not cur or cur[-1] == ":")):
            quote = ch  # a phrase, or a /regex/ where a term or a value starts
            cur.append(ch)
        elif ch == "(":
            depth += 1
            cur.append(ch)
        elif ch == ")":
            depth = max(depth - 1, 0)
            cur.append(ch)
        elif ch.isspace() and depth == 0:
            if cur:
                tokens.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
        i += 1
    if cur:
        tokens.append("".join(cur))
    return tokens


def split_and_terms(text: str) -> list[str]:
    """The top-level AND-terms of an expression, or ``[text]`` when it is not a plain AND."""
    tokens = top_level_tokens(text.strip())
    if any(t.upper() in _DISJOIN for t in tokens):
        return [text.strip()]
    terms: list[str] = []
    glue = False  # the next token belongs to the current term
    for tok in tokens:
        if tok.upper() in _JOINERS:
            glue = False
            continue
        if tok in _OPERATORS and terms:
            terms[-1] += " " + tok
            glue = True
            continue
        if glue and terms:
            terms[-1] += " " + tok
        else:
            terms.append(tok)
        glue = tok.upper() in _PREFIX or tok.endswith(":") or tok in _OPERATORS
    return terms or [text.strip()]


def _norm(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", s.lower())


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


@dataclass(slots=True)
class MissScorer:
    terms: list[str]
    term_predicates: list[Predicate]
    names: list[str]
    types: list[str]

    @classmethod
    def build(cls, svc: CollectorService, comp: Compiled) -> MissScorer:
        q = comp.q.strip()
        terms = split_and_terms(q) if q else []
        preds: list[Predicate] = []
        if len(terms) > 1:
            try:
                preds = [compile_q(svc, t).predicate for t in terms]
            except BadRequest:  # the split does not parse on its own: score the whole query
                terms = [q]
        if len(terms) <= 1:
            terms, preds = ([q], [comp.predicate]) if q else ([], [])
        names: list[str] = []
        types: list[str] = []
        for t in terms:
            m = _NAME_TERM.match(t)
            if m:
                names.append(_unescape(m.group(1) or m.group(2) or m.group(3) or ""))
            m2 = _TYPE_TERM.match(t)
            if m2:
                types.append(m2.group(1).lower())
        return cls(terms, preds, names, types)

    def score(self, ev: CapturedEvent) -> dict[str, Any] | None:
        matched: list[str] = []
        failed: list[str] = []
        for term, pred in zip(self.terms, self.term_predicates, strict=True):
            try:
                ok = pred(ev)
            except Exception:
                ok = False
            (matched if ok else failed).append(term)
        own = [n for n in (ev.label, ev.event, ev.name) if n]
        sim = 0.0
        closest_to = None
        for want in self.names:
            for have in own:
                r = difflib.SequenceMatcher(None, _norm(want), _norm(have)).ratio()
                if r > sim:
                    sim, closest_to = r, want
        same_type = ev.type in self.types
        if not matched and sim < 0.5 and not same_type:
            return None
        why: list[str] = []
        if self.terms:
            why.append(f"matched {len(matched)} of {len(self.terms)} term"
                       f"{'s' * (len(self.terms) != 1)}")
        if failed:
            why.append("failed: " + ", ".join(failed))
        if closest_to is not None and sim >= 0.5:
            why.append(f"name {ev.label or ev.event or ev.name!r} is close to {closest_to!r} "
                       f"({sim:.2f})")
        return {
            "termsMatched": len(matched), "termsTotal": len(self.terms),
            "matchedTerms": matched, "failedTerms": failed,
            "nameSimilarity": round(sim, 3), "sameType": same_type,
            "why": "; ".join(why), "event": event_summary(ev),
        }


def event_summary(ev: CapturedEvent) -> dict[str, Any]:
    from inspector.domain.capture import LEVEL_NAME, epoch_iso

    m = ev.message
    return {
        "id": ev.id, "seq": ev.seq, "receivedAt": epoch_iso(ev.received_at), "type": ev.type,
        "event": ev.event, "name": ev.name, "label": ev.label, "userId": ev.user_id,
        "anonymousId": ev.anonymous_id, "lintLevel": LEVEL_NAME[ev.lint_level],
        "properties": m.get("properties") if ev.type in ("track", "page", "screen")
        else m.get("traits"),
    }


def closest_misses(svc: CollectorService, comp: Compiled, session_id: int, exclude: set[int],
                   after: int = 0) -> dict[str, Any]:
    scorer = MissScorer.build(svc, comp)
    scored: list[tuple[tuple[float, float, int, int], dict[str, Any]]] = []
    for ev in svc.store.events(session_id, "id > ?", [after], limit=MISS_SCAN, descending=True):
        if ev.id in exclude:
            continue
        s = scorer.score(ev)
        if s is None:
            continue
        frac = s["termsMatched"] / s["termsTotal"] if s["termsTotal"] else 0.0
        scored.append(((frac, s["nameSimilarity"], int(s["sameType"]), ev.id), s))
    scored.sort(key=lambda t: t[0], reverse=True)
    return {"explanation": MISS_EXPLANATION, "terms": scorer.terms,
            "events": [s for _, s in scored[:MISS_SHOWN]]}


def arrived_summary(svc: CollectorService, session_id: int) -> dict[str, Any]:
    """What the session holds, by type and name: the first thing to look at after a timeout."""
    rows = svc.store._rows(
        "SELECT type, COALESCE(CASE WHEN type='track' THEN event ELSE name END, ''), COUNT(*) "
        "FROM events WHERE session_id=? GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50", (session_id,))
    total = svc.store.count_events(session_id)
    return {"total": total,
            "byName": [{"type": t, "name": n or None, "count": c} for t, n, c in rows]}


# -- assertions ------------------------------------------------------------------------------
ASSERT_KEYS = {"name", "q", "count", "min", "max", "noLintErrors", "noLintWarnings",
               "properties", "propertiesMatch"}
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
            raise BadRequest("invalid_expectation",
                             f"{where}: unknown key(s) {', '.join(unknown)}; expected "
                             f"{', '.join(sorted(ASSERT_KEYS))}")
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
                raise BadRequest("invalid_expectation",
                                 f"{where}.{key} must be a non-negative integer")
            nums[key] = v
        if nums["count"] is not None and (nums["min"] is not None or nums["max"] is not None):
            raise BadRequest("invalid_expectation", f"{where}: give count, or min/max, not both")
        if (nums["min"] is not None and nums["max"] is not None
                and nums["min"] > nums["max"]):
            raise BadRequest("invalid_expectation", f"{where}: min is greater than max")
        props = raw.get("properties")
        if props is not None and not isinstance(props, dict):
            raise BadRequest("invalid_expectation",
                             f"{where}.properties must be an object of path -> value")
        mode = raw.get("propertiesMatch", "all")
        if mode not in ("all", "any"):
            raise BadRequest("invalid_expectation", f"{where}.propertiesMatch is 'all' or 'any'")
        for key in ("noLintErrors", "noLintWarnings"):
            if not isinstance(raw.get(key, False), bool):
                raise BadRequest("invalid_expectation", f"{where}.{key} must be true or false")
        return cls(name, q, nums["count"], nums["min"], nums["max"],
                   bool(raw.get("noLintErrors")), bool(raw.get("noLintWarnings")), props, mode)

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
            same_value(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            same_value(a, b) for a, b in zip(expected, actual, strict=True))
    return bool(expected == actual)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def evaluate(svc: CollectorService, session_id: int, exp: Expectation,
             comp: Compiled) -> dict[str, Any]:
    store = svc.store
    total = store.count_events(session_id, comp.where, comp.params)
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
    checks.append({"check": "count", "passed": count_ok,
                   "message": f"expected {want}, got {total}"})
    events = (store.events(session_id, comp.where, comp.params, limit=ASSERT_SCAN)
              if total else [])
    actual: dict[str, Any] = {"count": total}
    for flag, level, word in ((exp.no_lint_errors, 3, "error"),
                              (exp.no_lint_warnings, 2, "warning")):
        if not flag:
            continue
        bad = [e for e in events if e.lint_level >= level]
        findings = [{"event": e.id, "rule": f.rule, "severity": f.severity,
                     "message": f.message, "path": f.path}
                    for e in bad for f in e.lint
                    if (3 if f.severity == "error" else 2 if f.severity == "warning" else 1)
                    >= level][:20]
        key = "lintErrors" if level == 3 else "lintWarnings"
        actual[key] = len(bad)
        checks.append({"check": key, "passed": not bad, "findings": findings,
                       "message": (f"no lint {word}s" if not bad else
                                   f"{_plural(len(bad), 'event')} with lint {word}s: " +
                                   "; ".join(f"#{f['event']} {f['rule']}: {f['message']}"
                                             for f in findings[:3]))})
    if exp.properties is not None:
        mismatches: list[dict[str, Any]] = []
        ok_events = 0
        for e in events:
            bad_here = []
            for path, want_v in exp.properties.items():
                got = lookup(e.message, path)
                if got is _MISSING:
                    bad_here.append({"event": e.id, "path": path, "expected": want_v,
                                     "missing": True})
                elif not same_value(want_v, got):
                    bad_here.append({"event": e.id, "path": path, "expected": want_v,
                                     "actual": got})
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
            detail = (f"#{first['event']} has no {first['path']}" if first.get("missing") else
                      f"#{first['event']} has {first.get('path')}="
                      f"{jsoncodec.dumps_str(first.get('actual'))}") if first else ""
            msg = (f"{len(events) - ok_events} of {_plural(len(events), 'event')} "
                   f"differ from {desc}" + (f" (e.g. {detail})" if detail else ""))
        checks.append({"check": "properties", "passed": passed, "message": msg,
                       "mismatches": mismatches[:20]})
    passed = all(c["passed"] for c in checks)
    return {
        "name": exp.name, "q": exp.q, "passed": passed, "expected": exp.expected(),
        "actual": actual, "message": "; ".join(c["message"] for c in checks
                                               if not c["passed"]) or "ok",
        "checks": checks, "events": [e.id for e in events[:1000]],
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
        raise BadRequest("invalid_body",
                         'expected {"expectations": [{"q": ..., "count": ...}, ...]}')
    exps = [Expectation.parse(i, e) for i, e in enumerate(data["expectations"])]
    comps = [compile_q(svc, e.q, f"expectations[{i}].q") for i, e in enumerate(exps)]
    session = pick_session(request)
    if isinstance(data.get("session"), str | int) and not isinstance(data.get("session"), bool):
        found = svc.store.find_session(data["session"])
        if found is None:
            return json_response(404, {"code": "unknown_session",
                                       "message": f"no session {data['session']!r}"})
        session = found
    await svc.writer.flush()
    results = [evaluate(svc, session.id, e, c) for e, c in zip(exps, comps, strict=True)]
    n_ok = sum(r["passed"] for r in results)
    return json_response(200, {
        "passed": n_ok == len(results), "session": session.to_dict(),
        "summary": {"expectations": len(results), "passed": n_ok,
                    "failed": len(results) - n_ok},
        "results": results,
    })


def add_routes(app: web.Application) -> None:
    registry = WaitRegistry()
    app[WAITS] = registry
    app[SERVICE].add_listener(registry.on_events)
    app.on_shutdown.append(registry.close)
    app.router.add_get("/api/wait", wait)
    app.router.add_post("/api/assert", assert_)
