"""Realistic Segment messages (~700 bytes each) shared by the benchmarks."""

from __future__ import annotations

import random
import uuid
from typing import Any

EVENTS = [
    "Order Completed",
    "Product Viewed",
    "Product Added",
    "Checkout Started",
    "Signed Up",
    "Video Playback Started",
    "Cart Viewed",
    "Coupon Applied",
]
UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)


def message(rng: random.Random, i: int, users: int = 5000) -> dict[str, Any]:
    u = rng.randrange(users)
    kind = rng.random()
    base: dict[str, Any] = {
        "messageId": str(uuid.UUID(int=rng.getrandbits(128))),
        "timestamp": "2026-11-22T10:31:19.522Z",
        "anonymousId": f"anon-{u:06d}-{rng.randrange(3)}",
        "userId": f"user-{u:06d}",
        "context": {
            "library": {"name": "analytics.js", "version": "next-1.84.3"},
            "page": {
                "path": "/shop/cart",
                "url": "https://shop.example.com/shop/cart",
                "title": "Cart",
                "referrer": "",
                "search": "",
            },
            "userAgent": UA,
            "locale": "en-US",
            "ip": "203.0.113.7",
            "timezone": "Europe/Berlin",
        },
        "integrations": {},
    }
    if kind < 0.7:
        base.update(
            type="track",
            event=rng.choice(EVENTS),
            properties={
                "order_id": f"o-{i}",
                "revenue": round(rng.uniform(1, 300), 2),
                "currency": "EUR",
                "products": [
                    {
                        "product_id": f"p-{rng.randrange(500)}",
                        "sku": "SKU-1",
                        "name": "Blue Shirt",
                        "price": 19.99,
                        "quantity": 1,
                    }
                ],
            },
        )
    elif kind < 0.85:
        base.update(type="page", name="Cart", properties={"path": "/shop/cart", "title": "Cart"})
    elif kind < 0.95:
        base.update(
            type="identify",
            traits={
                "email": f"user{u}@example.com",
                "plan": "pro",
                "name": f"User {u}",
                "createdAt": "2025-01-01",
            },
        )
    elif kind < 0.98:
        base.update(type="group", groupId=f"g-{u % 100}", traits={"name": "Acme", "plan": "pro"})
    else:
        base.update(type="alias", previousId=base["anonymousId"])
    return base


def batches(n_batches: int, size: int = 100, seed: int = 7) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    out = []
    i = 0
    for _ in range(n_batches):
        out.append([message(rng, i + k) for k in range(size)])
        i += size
    return out


#: the headers of a batch request as analytics-python sends it
HEADERS = {
    "Content-Type": "application/json",
    "Authorization": "Basic V0s6",
    "User-Agent": "analytics-python/2.3.2",
}


def batch_record(body: bytes, session_id: int, received_at: float, **more: Any) -> tuple[Any, ...]:
    """An inbox row (``inspector.ingest.records.record``) of a ``POST /v1/batch`` of ``body``."""
    from inspector.ingest.records import record

    return record(
        session_id=session_id,
        received_at=received_at,
        route="batch",
        method="POST",
        path="/v1/batch",
        query="",
        headers=HEADERS,
        content_type="application/json",
        content_encoding="",
        size=len(body),
        body=body,
        **more,
    )
