"""Everything that happens to a session's events between parsing and storage.

Duplicate ``messageId`` detection, linting and identity resolution all run here, in arrival
order, so that what is stored (and acknowledged) already carries its findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from inspector.domain.capture import CapturedEvent, RawRequest


class Linter(Protocol):
    def lint_batch(self, events: list[CapturedEvent], request: RawRequest | None) -> None: ...


class IdentityTracker(Protocol):
    def observe(self, ev: CapturedEvent) -> None: ...


class SessionPipeline:
    """Per-session state fed by every accepted request, in arrival order."""

    def __init__(
        self,
        *,
        linter: Linter | None = None,
        identity: IdentityTracker | None = None,
        seen_message_ids: Iterable[str] = (),
    ) -> None:
        self.linter = linter
        self.identity = identity
        self._seen: set[str] = set(seen_message_ids)
        self.counters: dict[str, Any] = {"events": 0, "duplicates": 0}

    def process(self, events: list[CapturedEvent], request: RawRequest | None) -> None:
        self.counters["duplicates"] += flag_duplicates(self._seen, events)
        self.counters["events"] += len(events)
        if self.linter is not None:
            self.linter.lint_batch(events, request)
        self.observe(events)

    def observe(self, events: Iterable[CapturedEvent]) -> None:
        """Feed identity resolution (events deduped and linted already, or elsewhere)."""
        ident = self.identity
        if ident is not None:
            observe = ident.observe
            for ev in events:
                observe(ev)


def flag_duplicates(seen: set[str], events: Iterable[CapturedEvent]) -> int:
    """Flag events whose ``messageId`` is in ``seen`` (a generated one never is), remember
    the others'; returns how many were flagged."""
    n = 0
    for ev in events:
        mid = ev.message_id
        if mid in seen and not ev.generated_message_id:
            ev.dup = True
            n += 1
        else:
            seen.add(mid)
    return n


def default_linter(start_dir: str | None = None) -> Linter:
    """The lint engine configured from ``.event-inspector.toml`` (searched upwards) and the
    collector's lint profile (a plan given to ``serve --plan`` or loaded in the window)."""
    from inspector.domain.lint.profile import configured_linter

    linter: Linter = configured_linter(start_dir)
    return linter


def build_pipeline(
    *,
    lint: bool = True,
    identity_mode: str | None = "default",
    seen_message_ids: Iterable[str] = (),
    linter: Linter | None = None,
) -> SessionPipeline:
    identity: IdentityTracker | None = None
    if identity_mode:
        from inspector.domain.identity import IdentityGraph

        identity = IdentityGraph(mode=identity_mode)
    if lint and linter is None:
        linter = default_linter()
    return SessionPipeline(
        linter=linter if lint else None, identity=identity, seen_message_ids=seen_message_ids
    )
