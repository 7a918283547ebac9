"""Linting on the ingest path: each session's linter, in arrival order, at a bounded cost.

Cross-event rules keep state per session (names seen, property types...), so each session has
one linter, fed the requests in the order they arrived. What one event may cost is bounded:
strings longer than :data:`MAX_STRING` characters are linted as their first
:data:`MAX_STRING` (rule I016 says so on the event), and a message kept only in part (nested
too deep, :mod:`inspector.ingest.encode`) says so too. A linter that fails costs the request
its findings, never its events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from inspector.domain.capture import CapturedEvent, Finding, RawRequest
from inspector.domain.lint.engine import MAX_MESSAGE, LintEngine

log = logging.getLogger(__name__)
MAX_STRING = 1024


class Linter(Protocol):
    def lint_batch(self, events: list[CapturedEvent], request: RawRequest | None) -> None: ...


def default_linter(start_dir: str | None = None) -> Linter:
    """The lint engine configured from ``.event-inspector.toml`` (searched upwards) and the
    collector's lint profile (a plan given to ``serve --plan`` or loaded in the window)."""
    from inspector.domain.lint.profile import configured_linter

    linter: Linter = configured_linter(start_dir)
    return linter


def _has_long_string(text: str) -> bool:
    if len(text) <= MAX_STRING:
        return False
    plain = text.replace("\\\\", "").replace('\\"', "")  # then every '"' delimits a string
    return max(map(len, plain.split('"'))) > MAX_STRING


def shortened(obj: Any, counts: list[int]) -> Any:
    """A copy with every string (value or key) over :data:`MAX_STRING` cut to it; ``counts``
    gets ``[how many, longest]``."""
    if obj.__class__ is str:
        if len(obj) > MAX_STRING:
            counts[0] += 1
            counts[1] = max(counts[1], len(obj))
            return obj[:MAX_STRING]
        return obj
    if obj.__class__ is dict:
        return {shortened(k, counts): shortened(v, counts) for k, v in obj.items()}
    if obj.__class__ is list:
        return [shortened(v, counts) for v in obj]
    return obj


class Linters:
    """Each session's linter (its cross-event state), made on first use."""

    def __init__(self, factory: Callable[[], Linter] | None) -> None:
        self.factory = factory
        self._by_session: dict[int, Linter] = {}

    def reset(self, session_id: int | None = None) -> None:
        """A cleared or switched session: its cross-event state starts over."""
        if session_id is None:
            self._by_session.clear()
        else:
            self._by_session.pop(session_id, None)

    def lint(
        self,
        raw: RawRequest | None,
        events: list[CapturedEvent],
        texts: list[str],
        clipped: list[bool],
        session_id: int | None = None,
    ) -> None:
        """Set ``ev.lint`` on one request's events; ``texts`` are their stored JSON texts.
        ``raw`` None: events that no HTTP request carried (an import), so no envelope rules."""
        if self.factory is None or not events:
            return
        sid = events[0].session_id if session_id is None else session_id
        linter = self._by_session.get(sid)
        if linter is None:
            linter = self._by_session[sid] = self.factory()
        cut: dict[int, tuple[dict[str, Any], list[int]]] = {}
        # each message's size as JSON, known from its text (E010 without serialising again)
        sizes: list[int | None] = []
        for i, (ev, text) in enumerate(zip(events, texts, strict=True)):
            if _has_long_string(text):
                counts = [0, 0]
                cut[i] = (ev.message, counts)
                ev.message = shortened(ev.message, counts)
                sizes.append(None)  # linted shortened: measured as linted
            else:
                sizes.append(len(text) if text.isascii() else len(text.encode()))
        try:
            if isinstance(linter, LintEngine):
                linter.lint_batch(events, raw, sizes)
            else:
                linter.lint_batch(events, raw)
        except Exception:  # findings are lost for this request, never the events
            log.exception("linting failed")
        finally:
            for i, (whole, _) in cut.items():
                events[i].message = whole
        finding = getattr(linter, "finding", None)
        if finding is None:
            return
        for i, (_, (n, longest)) in cut.items():
            ev = events[i]
            _add(
                ev,
                finding(
                    "I016",
                    f"{n} string(s) over {MAX_STRING:,} characters (the "
                    f"longest {longest:,}) were linted as their first {MAX_STRING:,}",
                ),
            )
            size = len(texts[i].encode())
            if size > MAX_MESSAGE and not any(f.rule == "E010" for f in ev.lint):
                _add(
                    ev,
                    finding(
                        "E010",
                        f"Message is {size / 1024:.1f} KB; the limit is "
                        "32 KB (Segment answers 400)",
                    ),
                )
        for ev, was_clipped in zip(events, clipped, strict=True):
            if was_clipped:
                _add(
                    ev,
                    finding(
                        "I016",
                        "The message is nested more than 255 levels deep; "
                        "it is kept and linted to 100 levels (the request's body "
                        "has it whole)",
                    ),
                )


def _add(ev: CapturedEvent, f: Finding | None) -> None:
    if f is not None:
        ev.lint = [*ev.lint, f]
