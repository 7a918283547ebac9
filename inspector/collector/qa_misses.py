"""Closest misses: when a wait times out, the events that came nearest to matching, and why."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspector.collector.qa_query import MISS_SCAN, MISS_SHOWN, Scoped, compile_for
from inspector.collector.routes_api import BadRequest
from inspector.collector.service import CollectorService
from inspector.domain.capture import CapturedEvent
from inspector.domain.query import CompiledQuery
from inspector.domain.store import Session
from inspector.domain.store_read import Reader

Predicate = Callable[[CapturedEvent], bool]

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
    r"""^(?:event|name|label)\s*[:=]\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))$""", re.IGNORECASE
)
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
    def build(cls, svc: CollectorService, session: Session, comp: CompiledQuery) -> MissScorer:
        q = comp.text.strip()
        terms = split_and_terms(q) if q else []
        preds: list[Predicate] = []
        if len(terms) > 1:
            try:
                preds = [compile_for(svc, session, t).matches for t in terms]
            except BadRequest:  # the split does not parse on its own: score the whole query
                terms = [q]
        if len(terms) <= 1:
            terms, preds = ([q], [comp.matches]) if q else ([], [])
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
            why.append(
                f"matched {len(matched)} of {len(self.terms)} term{'s' * (len(self.terms) != 1)}"
            )
        if failed:
            why.append("failed: " + ", ".join(failed))
        if closest_to is not None and sim >= 0.5:
            why.append(
                f"name {ev.label or ev.event or ev.name!r} is close to {closest_to!r} ({sim:.2f})"
            )
        return {
            "termsMatched": len(matched),
            "termsTotal": len(self.terms),
            "matchedTerms": matched,
            "failedTerms": failed,
            "nameSimilarity": round(sim, 3),
            "sameType": same_type,
            "why": "; ".join(why),
            "event": event_summary(ev),
        }


def event_summary(ev: CapturedEvent) -> dict[str, Any]:
    from inspector.domain.capture import LEVEL_NAME, epoch_iso

    m = ev.message
    return {
        "id": ev.id,
        "seq": ev.seq,
        "receivedAt": epoch_iso(ev.received_at),
        "type": ev.type,
        "event": ev.event,
        "name": ev.name,
        "label": ev.label,
        "userId": ev.user_id,
        "anonymousId": ev.anonymous_id,
        "lintLevel": LEVEL_NAME[ev.lint_level],
        "properties": m.get("properties")
        if ev.type in ("track", "page", "screen")
        else m.get("traits"),
    }


def closest_misses(
    svc: CollectorService,
    reader: Reader,
    comp: Scoped,
    session: Session,
    exclude: set[int],
    after: int = 0,
) -> dict[str, Any]:
    """The events that came nearest to matching (run in a query thread: ``reader``)."""
    scorer = MissScorer.build(svc, session, comp.query)
    scored: list[tuple[tuple[float, float, int, int], dict[str, Any]]] = []
    sc = comp.scope  # only the events the caller may see (the pytest plugin's test)
    where = f"({sc.where}) AND id > ?" if sc and sc.where else "id > ?"
    params = [*(sc.params if sc else ()), after]
    for ev in reader.events(session.id, where, params, limit=MISS_SCAN, descending=True):
        if ev.id in exclude:
            continue
        s = scorer.score(ev)
        if s is None:
            continue
        frac = s["termsMatched"] / s["termsTotal"] if s["termsTotal"] else 0.0
        scored.append(((frac, s["nameSimilarity"], int(s["sameType"]), ev.id), s))
    scored.sort(key=lambda t: t[0], reverse=True)
    return {
        "explanation": MISS_EXPLANATION,
        "terms": scorer.terms,
        "events": [s for _, s in scored[:MISS_SHOWN]],
    }


def arrived_summary(
    reader: Reader, session_id: int, scope: CompiledQuery | None = None
) -> dict[str, Any]:
    """What the session holds, by type and name: the first thing to look at after a timeout."""
    where, params = (scope.where, scope.params) if scope is not None else ("", [])
    cond = f" AND ({where})" if where else ""
    rows = reader.rows(
        "SELECT type, COALESCE(CASE WHEN type='track' THEN event ELSE name END, ''), COUNT(*) "
        f"FROM events{reader.join} WHERE session_id=?{cond} GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50",
        (session_id, *params),
    )
    total = reader.count(session_id, where, params)
    return {
        "total": total,
        "byName": [{"type": t, "name": n or None, "count": c} for t, n, c in rows],
    }
