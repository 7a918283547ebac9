"""The lint engine: runs the registered checks per call type, plus batch and session rules."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import orjson

from inspector.domain.capture import CapturedEvent, Finding, RawRequest
from inspector.domain.lint import (  # noqa: F401  (importing registers the rules and checks)
    catalogue,
    catalogue_more,
    clean_calls,
    guards,
    proptypes,
    rules_context,
    rules_envelope,
    rules_names,
    rules_payload,
    rules_semantic,
    rules_time,
    session,
)
from inspector.domain.lint.clean_track import whole_for
from inspector.domain.lint.config import LintConfig
from inspector.domain.lint.context import CALL_TYPES, Ctx
from inspector.domain.lint.fastpath import idle, plans_for
from inspector.domain.lint.guards import Masker, head, masker
from inspector.domain.lint.plan import TrackingPlan, load_plan
from inspector.domain.lint.registry import CHECKS, RULES, CheckFn
from inspector.domain.lint.specdata import SpecCatalog, default_catalog

MAX_MESSAGE = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BATCH_EVENTS = 2500
Raw = tuple[str, str, str | None]


class LintEngine:
    """One per capture session: keeps the cross-event state between calls."""

    def __init__(
        self,
        config: LintConfig | None = None,
        plan: TrackingPlan | None = None,
        *,
        catalog: SpecCatalog | None = None,
        fast_path: bool = True,
    ) -> None:
        self.config = config or LintConfig()
        if plan is None and self.config.plan is not None:
            plan = load_plan(self.config.plan)
        self.plan = plan
        self.catalog = catalog or default_catalog()
        self.state = session.SessionState(rules_names.exempt_keys(self.catalog))
        self.state.spec_names = frozenset(self.catalog.events)
        cfg = self.config
        self._enabled = {rid for rid in RULES if cfg.is_enabled(rid)}
        self._severity = {rid: cfg.severity_of(rid) for rid in RULES}
        active = sorted(
            (c for c in CHECKS if any(r in self._enabled for r in c.rules)), key=lambda c: c.order
        )
        if fast_path:  # checks that can report nothing under this configuration
            active = [c for c in active if not idle(c.fn, cfg)]
        # per call type: what answers the mask of failed guards (-1: it linted the message
        # itself), and the checks for each mask
        self._plans: dict[str, tuple[Masker, dict[int, list[CheckFn]]]] = {}
        for t in (*CALL_TYPES, "unknown"):
            bits, plans = plans_for(t, active, fast_path, self._enabled)
            first: Masker = masker(bits)
            whole = None
            if fast_path:  # (a clean call of the commonest plans: linted in one pass)
                whole = (
                    whole_for(t, first, plans[0])
                    if t == "track"
                    else clean_calls.whole_for(t, first, bits, plans)
                )
            if whole is not None:
                first, plans[-1] = whole, []
            self._plans[t] = (first, plans)
        self._fold = {"W001", "W003", "E014"} & self._enabled
        self._ctx = Ctx(cfg, self.catalog, self.state, plan)
        self._plan_on = plan is not None and bool(
            {"W028", "W029", "E015", "E016", "E017"} & self._enabled
        )

    # -- public API -------------------------------------------------------------------------
    def lint_batch(
        self,
        events: list[CapturedEvent],
        request: RawRequest | None,
        sizes: list[int | None] | None = None,
    ) -> None:
        """Set ``ev.lint`` on every event of one request, in arrival order. ``sizes``: each
        message's bytes as JSON where the caller serialised it already (None: measured here)."""
        if not events:
            return
        now = events[0].received_at or time.time()
        self._set_clock(now)
        batch: list[Raw] = []
        body_len = (
            len(request.body)
            if request is not None and request.body
            else (request.size if request is not None else -1)
        )
        if request is not None:
            n = max(len(events), request.event_count)
            if body_len > MAX_BATCH_BYTES and n > 1:
                batch.append(
                    (
                        "E011",
                        f"Batch is {body_len / 1024:.0f} KB; the limit is 500 KB "
                        "(Segment answers 400)",
                        None,
                    )
                )
            if n > MAX_BATCH_EVENTS:
                batch.append(
                    (
                        "E011",
                        f"Batch has {n} events; the limit is 2500 (the rest are rejected)",
                        None,
                    )
                )
        measure = body_len < 0 or body_len > MAX_MESSAGE
        ctx = self._ctx
        plans = self._plans
        unknown = plans["unknown"]
        fold = rules_envelope.fold_envelope if self._fold else None
        heads = guards.HEADS
        plan = self.plan if self._plan_on else None
        size, findings, dumps = self._size, self._findings, orjson.dumps
        i = -1
        for ev in events:  # (_run, inlined: a call less per event)
            i += 1
            at = ev.received_at
            if at and at != now:
                now = at
                self._set_clock(now)
            ctx.event = ev
            ctx.shape = None
            m = ev.message
            found: list[Raw] = []
            if ev.original is None:
                ctx.original = None
                keys = tuple(m)
                hd = heads.get(keys) or head(keys)
                if fold is not None and hd[0]:
                    m = fold(m, ctx, found)
                    hd = head(tuple(m))
            else:
                ctx.original = ev.original
                hd = None
                if fold is not None:
                    m = fold(m, ctx, found)
            mask_of, checks = plans.get(ev.type) or unknown
            for fn in checks[mask_of(m, ctx, hd, found)]:
                fn(m, ctx, found)
            if plan is not None:
                plan.check(m, found)
            if measure:
                known = sizes[i] if sizes is not None else None
                if known is None or known > MAX_MESSAGE:  # (only orjson's size counts)
                    try:
                        big = len(dumps(ev.message)) > MAX_MESSAGE
                    except TypeError:
                        big = False
                    if big:
                        size(ev.message, found)
            if batch:
                found.extend(batch)
            ev.lint = findings(found) if found else []
        ctx.event = None

    def lint_message(
        self, message: Any, *, original: dict[str, Any] | None = None
    ) -> list[Finding]:
        """Lint one message (CLI, tools). Updates the session state like an arrival."""
        if not isinstance(message, dict):
            return self._findings(
                [("E001", f"Payload is not a JSON object (got {type(message).__name__})", None)]
            )
        self._set_clock(time.time())
        self._ctx.received = 0.0  # a message from a file: its arrival time is unknown
        self._ctx.event = None
        t = message.get("type")
        t = t.lower() if isinstance(t, str) and t.lower() in CALL_TYPES else "unknown"
        found = self._run(message, original, t)
        self._size(message, found)
        return self._findings(found)

    def finding(self, rule: str, message: str, path: str | None = None) -> Finding | None:
        """A finding of ``rule`` raised outside the checks (the ingest path's own limits,
        a size known without serialising again), as configured: None when disabled."""
        if rule not in self._enabled:
            return None
        return Finding(rule, self._severity[rule], message, path)  # type: ignore[arg-type]

    def session_issues(self) -> list[dict[str, Any]]:
        """Cross-event problems as they stand now (name collisions, type conflicts)."""
        return self.state.issues()

    # -- internals --------------------------------------------------------------------------
    def _set_clock(self, now: float) -> None:
        ctx = self._ctx
        ctx.received = now
        ctx.future_ts = now + self.config.future_minutes * 60.0
        fmt = "%Y-%m-%dT%H:%M:%S"
        ctx.future_iso = datetime.fromtimestamp(ctx.future_ts, UTC).strftime(fmt)
        past = now - self.config.max_skew_hours * 3600.0
        ctx.past_iso = datetime.fromtimestamp(past, UTC).strftime(fmt)

    def _run(self, m: dict[str, Any], original: dict[str, Any] | None, t: str) -> list[Raw]:
        ctx = self._ctx
        ctx.original = original
        ctx.shape = None
        out: list[Raw] = []
        if self._fold:
            m = rules_envelope.fold_envelope(m, ctx, out)
        hd = head(tuple(m)) if original is None else None
        mask_of, plans = self._plans.get(t) or self._plans["unknown"]
        for fn in plans[mask_of(m, ctx, hd, out)]:
            fn(m, ctx, out)
        if self._plan_on:
            self.plan.check(m, out)  # type: ignore[union-attr]
        return out

    def _size(self, m: dict[str, Any], found: list[Raw]) -> None:
        try:
            n = len(orjson.dumps(m))
        except TypeError:
            return
        if n > MAX_MESSAGE:
            found.append(
                (
                    "E010",
                    f"Message is {n / 1024:.1f} KB; the limit is 32 KB (Segment answers 400)",
                    None,
                )
            )

    def _findings(self, found: list[Raw]) -> list[Finding]:
        enabled, sev = self._enabled, self._severity
        return [
            Finding(rid, sev[rid], msg, path)  # type: ignore[arg-type]
            for rid, msg, path in found
            if rid in enabled
        ]
