"""Check a flow against a source of events: the best person's checklist, with closest misses
for each step that is not matched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspector.domain.capture import CapturedEvent, epoch_iso
from inspector.domain.flows.evaluate import Hit, PersonRun, Status, evaluate_hits
from inspector.domain.flows.misses import closest_misses
from inspector.domain.flows.model import Flow
from inspector.domain.flows.sources import FlowSource


@dataclass(slots=True)
class StepResult:
    number: int  # 1-based
    q: str
    name: str | None
    status: Status
    event: int | None = None
    misses: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] | None = None  # the matched (or too early) event, briefly

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"q": self.q, "status": self.status, "event": self.event}
        if self.name:
            out["name"] = self.name
        if self.summary is not None:
            out["summary"] = self.summary
        if self.status != "matched":
            out["closestMisses"] = self.misses
        return out


@dataclass(slots=True)
class FlowResult:
    name: str
    passed: bool
    person: str | None
    steps: list[StepResult]
    people: int = 0  # how many people had an event matching some step

    def to_api(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "person": self.person,
            "steps": [s.to_api() for s in self.steps],
            "people": self.people,
        }


def summary(ev: CapturedEvent, person: str | None) -> dict[str, Any]:
    return {
        "id": ev.id,
        "type": ev.type,
        "label": ev.label,
        "receivedAt": epoch_iso(ev.received_at),
        "userId": ev.user_id,
        "anonymousId": ev.anonymous_id,
        "person": person,
        "client": ev.source.client or ev.source.library,
    }


def runs(flow: Flow, source: FlowSource) -> tuple[list[list[Hit]], list[PersonRun]]:
    """Each step's hits and every person's walk, best first (the window shows them all)."""
    step_hits = [source.hits(q) for q in flow.queries()]
    return step_hits, evaluate_hits(step_hits)


def result_of(flow: Flow, run: PersonRun | None, source: FlowSource, people: int) -> FlowResult:
    """The checklist of one person's run (None: nobody has any step: all missing)."""
    steps = []
    ids = [o.hit.event_id for o in (run.outcomes if run else ()) if o.hit is not None]
    events = source.events_by_id(ids)
    for i, step in enumerate(flow.steps):
        o = run.outcomes[i] if run is not None else None
        sr = StepResult(i + 1, step.q, step.name, o.status if o is not None else "missing")
        if o is not None and o.hit is not None:
            sr.event = o.hit.event_id
            ev = events.get(o.hit.event_id)
            if ev is not None:
                sr.summary = summary(ev, o.hit.person)
        steps.append(sr)
    person = run.person if run is not None else None
    return FlowResult(flow.name, bool(run and run.passed), person, steps, people)


def check_flow(flow: Flow, source: FlowSource, *, misses: bool = True) -> FlowResult:
    """Whether one person went through every step in order; for a flow that did not pass,
    the best person's checklist (most steps matched) and the closest misses."""
    step_hits, all_runs = runs(flow, source)
    result = result_of(flow, all_runs[0] if all_runs else None, source, len(all_runs))
    if misses and not result.passed:
        recent = list(source.recent())
        queries = flow.queries()
        for i, sr in enumerate(result.steps):
            if sr.status != "matched":
                sr.misses = closest_misses(queries[i], step_hits[i], result, sr, recent, source)
    return result
