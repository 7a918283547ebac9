"""Closest misses for a step that is not matched: the same event from someone else, the
step's event too early, and events that nearly match (most of the step's terms, or a similar
name), best first."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.flows.evaluate import Hit
from inspector.domain.flows.terms import and_terms, render, wanted_names, wanted_types
from inspector.domain.query import Query

if TYPE_CHECKING:
    from inspector.domain.flows.check import FlowResult, StepResult
    from inspector.domain.flows.sources import FlowSource

MISSES_SHOWN = 5
OTHER_PEOPLE_SHOWN = 3


def _norm(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", s.casefold())


class Scorer:
    """How near an event comes to one step's query: its top-level AND-terms tried one by one,
    and the similarity of the event's name to the name the step asks for."""

    def __init__(self, query: Query, source: FlowSource) -> None:
        terms = and_terms(query.ast)
        parts = [Query(render(t), t) for t in terms] if len(terms) > 1 else [query]
        self.terms = [(p.text, source.compile(p).matches) for p in parts]
        self.names = [_norm(n) for n in wanted_names(query.ast)]
        self.types = wanted_types(query.ast)
        self._similar: dict[str, float] = {}  # name -> best similarity (names repeat)

    def similarity(self, label: str | None) -> float:
        own = _norm(label or "")
        sim = self._similar.get(own)
        if sim is None:
            sim = (
                max(
                    (
                        difflib.SequenceMatcher(None, want, own).ratio()
                        for want in self.names
                        if want
                    ),
                    default=0.0,
                )
                if own
                else 0.0
            )
            if len(self._similar) < 10_000:
                self._similar[own] = sim
        return sim

    def score(self, ev: CapturedEvent) -> tuple[tuple[float, float, int], str] | None:
        failed, ok = [], 0
        for text, matches in self.terms:
            try:
                hit = matches(ev)
            except Exception:  # a term that cannot be evaluated on this event counts as failed
                hit = False
            if hit:
                ok += 1
            else:
                failed.append(text)
        sim = self.similarity(ev.label)
        same_type = ev.type in self.types
        if ok == 0 and sim < 0.5 and not same_type:
            return None
        why = [f"matches {ok} of {len(self.terms)} term{'s' * (len(self.terms) != 1)}"]
        if failed:
            why.append("fails " + ", ".join(failed))
        if sim >= 0.5 and sim < 1.0:
            why.append(f"name {ev.label!r} is close ({sim:.2f})")
        return (ok / len(self.terms), round(sim, 3), int(same_type)), "; ".join(why)


def miss(ev: CapturedEvent | None, hit: Hit | None, person: str | None, why: str) -> dict[str, Any]:
    out: dict[str, Any] = {"event": hit.event_id if hit else ev.id if ev else None}
    if ev is not None:
        out.update(type=ev.type, label=ev.label, userId=ev.user_id, anonymousId=ev.anonymous_id)
    out["person"] = person
    out["why"] = why
    return out


def closest_misses(
    query: Query,
    hits: Sequence[Hit],
    result: FlowResult,
    step: StepResult,
    recent: Sequence[CapturedEvent],
    source: FlowSource,
) -> list[dict[str, Any]]:
    """The misses of ``step`` (not matched) for the chosen person ``result.person``."""
    by_id = {ev.id: ev for ev in recent}
    out: list[dict[str, Any]] = []
    if step.status == "out_of_order" and step.event is not None:
        prev = [s for s in result.steps[: step.number - 1] if s.status == "matched"]
        after = f"step {prev[-1].number}'s match #{prev[-1].event}" if prev else "an earlier step"
        out.append(
            miss(
                by_id.get(step.event),
                Hit(step.event, step.event, result.person),
                result.person,
                f"matches, but came before {after}",
            )
        )
    others = [h for h in hits if h.person != result.person]
    for h in sorted(others, key=lambda h: h.position, reverse=True)[:OTHER_PEOPLE_SHOWN]:
        who = h.person if h.person is not None else "nobody (no usable id)"
        out.append(miss(by_id.get(h.event_id), h, h.person, f"matches, but sent by {who}"))
    hit_ids = {h.event_id for h in hits}
    scorer = Scorer(query, source)
    scored = []
    for ev in recent:
        if ev.id in hit_ids:
            continue
        s = scorer.score(ev)
        if s is None:
            continue
        person = source.people.of_event(ev)
        key = (*s[0], int(person == result.person), source.position(ev))
        scored.append((key, ev, person, s[1]))
    scored.sort(key=lambda t: t[0], reverse=True)
    for _, ev, person, why in scored[: max(MISSES_SHOWN - len(out), 0)]:
        out.append(miss(ev, None, person, why))
    return out
