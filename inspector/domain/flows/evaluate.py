"""The flow rule, on positions only (pure and small, so properties can be tested exhaustively).

A flow passes when one person produced events matching every step in order, each step matched
by the first matching event after the previous step's match. Per person, steps are walked in
order from a cursor (the previous match): the first hit after it is ``matched`` and moves the
cursor; a hit of that person only before the cursor is ``out_of_order`` (the latest such hit
is named); none at all is ``missing``. A step that is not matched leaves the cursor where it
was, so later steps are still checked (the checklist shows every step).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["matched", "missing", "out_of_order"]


@dataclass(frozen=True, slots=True)
class Hit:
    """An event that matches a step: where it arrived, its id, and whose it is."""

    position: int
    event_id: int
    person: str | None


@dataclass(slots=True)
class Outcome:
    status: Status
    hit: Hit | None = None


@dataclass(slots=True)
class PersonRun:
    """One person's walk through the steps."""

    person: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(o.status == "matched" for o in self.outcomes)

    @property
    def matched(self) -> int:
        return sum(o.status == "matched" for o in self.outcomes)

    @property
    def last_position(self) -> int:
        return max((o.hit.position for o in self.outcomes if o.hit is not None), default=-1)

    def rank(self) -> tuple[int, int, int, int]:
        """Best first: passed, most steps matched, most steps seen at all, most recent."""
        seen = sum(o.hit is not None for o in self.outcomes)
        return (int(self.passed), self.matched, seen, self.last_position)


def walk(person: str, steps: Sequence[Sequence[Hit]]) -> PersonRun:
    """One person's outcome per step; ``steps[i]`` are that person's hits of step i, in
    arrival order."""
    run = PersonRun(person)
    cursor = -1
    for hits in steps:
        i = bisect_right(hits, cursor, key=_position) if len(hits) > 8 else _after(hits, cursor)
        if i < len(hits):
            run.outcomes.append(Outcome("matched", hits[i]))
            cursor = hits[i].position
        elif hits:
            run.outcomes.append(Outcome("out_of_order", hits[-1]))
        else:
            run.outcomes.append(Outcome("missing"))
    return run


def _position(h: Hit) -> int:
    return h.position


def _after(hits: Sequence[Hit], cursor: int) -> int:
    """The index of the first hit after ``cursor`` (a short list: a plain scan)."""
    for i, h in enumerate(hits):
        if h.position > cursor:
            return i
    return len(hits)


def evaluate_hits(step_hits: Sequence[Sequence[Hit]]) -> list[PersonRun]:
    """Every person who has a hit on some step, best run first. Each step's hits come in
    arrival order (both sources give them so). Hits without a person (events with no usable
    id) belong to nobody and are not walked."""
    per: dict[str, list[list[Hit]]] = {}
    n = len(step_hits)
    for i, hits in enumerate(step_hits):
        for h in hits:
            if h.person is None:
                continue
            lists = per.get(h.person)
            if lists is None:
                lists = per[h.person] = [[] for _ in range(n)]
            lists[i].append(h)
    runs = [walk(person, lists) for person, lists in per.items()]
    runs.sort(key=PersonRun.rank, reverse=True)
    return runs
