"""Fault injection rules, so developers can exercise their SDK's retry paths.

A rule answers a status (429 with ``Retry-After``, a 5xx, a 400) or adds a delay, for one
write key or for every request, for the next N requests or for a share of them. Shares are
deterministic (every k-th request), so a test that injects 50 % always sees the same calls.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1)


@dataclass(slots=True)
class FaultRule:
    status: int | None = None  # None: delay only
    delay_ms: int = 0
    retry_after: int | None = None
    write_key: str | None = None  # None: every write key
    count: int | None = None  # remaining requests; None: unlimited
    share: float = 1.0  # 0 < share <= 1
    id: int = field(default_factory=lambda: next(_ids))
    seen: int = 0
    fired: int = 0

    @property
    def label(self) -> str:
        what = f"{self.status}" if self.status else "delay"
        if self.delay_ms:
            what += f" after {self.delay_ms} ms" if self.status else f" {self.delay_ms} ms"
        if self.retry_after is not None:
            what += f" (Retry-After: {self.retry_after})"
        return what

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "delayMs": self.delay_ms,
            "retryAfter": self.retry_after,
            "writeKey": self.write_key,
            "count": self.count,
            "share": self.share,
            "fired": self.fired,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FaultRule:
        status = d.get("status")
        rule = cls(
            status=int(status) if status not in (None, "", "delay") else None,
            delay_ms=int(d.get("delayMs", d.get("delay_ms", 0)) or 0),
            retry_after=(int(d["retryAfter"]) if d.get("retryAfter") is not None else None),
            write_key=d.get("writeKey") or None,
            count=int(d["count"]) if d.get("count") is not None else None,
            share=float(d.get("share", 1.0)),
        )
        rule.validate()
        return rule

    def validate(self) -> None:
        if self.status is None and not self.delay_ms:
            raise ValueError("a fault needs a status (400, 429, 5xx) or a delay")
        if self.status is not None and not (400 <= self.status <= 599):
            raise ValueError(f"fault status {self.status} is not a 4xx/5xx status")
        if not 0 < self.share <= 1:
            raise ValueError(f"share {self.share} must be in (0, 1]")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1")
        if self.status == 429 and self.retry_after is None:
            self.retry_after = 1


def parse_fault_spec(spec: str) -> FaultRule:
    """``429``, ``503:count=3``, ``500:share=0.5``, ``delay=2000``, ``429:key=WK,retry-after=2``."""
    head, _, rest = spec.partition(":")
    d: dict[str, Any] = {}
    parts = [head, *rest.split(",")] if rest else [head]
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            if not part.isdigit():
                raise ValueError(f"fault {spec!r}: {part!r} is not a status code")
            d["status"] = int(part)
            continue
        k, v = (x.strip() for x in part.split("=", 1))
        key = {
            "key": "writeKey",
            "writekey": "writeKey",
            "retry-after": "retryAfter",
            "retry_after": "retryAfter",
            "delay": "delayMs",
            "delay_ms": "delayMs",
            "count": "count",
            "share": "share",
            "status": "status",
        }.get(k.lower())
        if key is None:
            raise ValueError(f"fault {spec!r}: unknown option {k!r}")
        d[key] = (
            v.rstrip("%")
            if key != "share"
            else (float(v.rstrip("%")) / 100 if v.endswith("%") else float(v))
        )
    return FaultRule.from_dict(d)


class FaultInjector:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.injected = 0

    def add(self, rule: FaultRule) -> FaultRule:
        rule.validate()
        self.rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) != before

    def clear(self) -> None:
        self.rules.clear()

    def take(self, write_key: str | None) -> FaultRule | None:
        """The rule that applies to this request, if any (and count it)."""
        for rule in self.rules:
            if rule.write_key is not None and rule.write_key != write_key:
                continue
            rule.seen += 1
            # fire on the requests where floor(seen * share) steps up: exact share, no randomness
            if int(rule.seen * rule.share) == int((rule.seen - 1) * rule.share):
                continue
            rule.fired += 1
            self.injected += 1
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            return rule
        return None
