"""Message builders and helpers for the lint tests."""

from __future__ import annotations

import copy
from typing import Any

from inspector.domain.lint import LintConfig, LintEngine

ANON = "0b4c3bc8-4e1a-4a4e-9e58-6b3d2f1c9a10"
TS = "2024-01-31T12:00:00.000Z"
LIB = {"library": {"name": "analytics.js", "version": "next-1.84.3"}}


def base(t: str, **kw: Any) -> dict[str, Any]:
    m: dict[str, Any] = {
        "type": t,
        "userId": "user-1234",
        "anonymousId": ANON,
        "messageId": f"msg-{t}-1",
        "timestamp": TS,
        "context": copy.deepcopy(LIB),
        "integrations": {},
    }
    m.update(kw)
    return m


def clean(t: str) -> dict[str, Any]:
    """A spec-perfect message of each call type."""
    return {
        "identify": lambda: base(
            "identify", traits={"email": "ada@example.com", "firstName": "Ada", "plan": "pro"}
        ),
        "track": lambda: base(
            "track",
            event="Order Completed",
            properties={
                "order_id": "o-1",
                "revenue": 25.0,
                "currency": "USD",
                "products": [{"product_id": "p1", "price": 25.0, "quantity": 1}],
            },
        ),
        "page": lambda: base(
            "page", name="Home", properties={"path": "/", "url": "https://example.com/"}
        ),
        "screen": lambda: base("screen", name="Home", properties={"variation": "blue"}),
        "group": lambda: base("group", groupId="acme-1", traits={"name": "Acme", "employees": 329}),
        "alias": lambda: {
            "type": "alias",
            "previousId": ANON,
            "userId": "user-1234",
            "messageId": "msg-alias-1",
            "timestamp": TS,
        },
    }[t]()


def engine(**cfg: Any) -> LintEngine:
    plan = cfg.pop("plan", None)
    return LintEngine(LintConfig(**cfg), plan)


def rules(msg: Any, eng: LintEngine | None = None, **cfg: Any) -> list[str]:
    eng = eng or engine(**cfg)
    return [f.rule for f in eng.lint_message(msg)]


def findings(msg: Any, eng: LintEngine | None = None, **cfg: Any) -> list[Any]:
    return (eng or engine(**cfg)).lint_message(msg)
