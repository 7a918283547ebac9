"""Clean corpora: the Segment spec's own examples, real client payloads (wire-formats.md)
and one example per semantic event built from the shipped spec data."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.specdata import default_catalog

UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_5) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/58.0.3029.110 Safari/537.36"
)
COMMON = {
    "anonymousId": "507f191e810c19729de860ea",
    "channel": "browser",
    "context": {"ip": "8.8.8.8", "userAgent": UA},
    "integrations": {"All": False, "Mixpanel": True, "Salesforce": True},
    "messageId": "022bb90c-bbac-11e4-8dfc-aa07a5b093db",
    "receivedAt": "2015-02-23T22:28:55.387Z",
    "sentAt": "2015-02-23T22:28:55.111Z",
    "timestamp": "2015-02-23T22:28:55.111Z",
    "userId": "97980cfea0067",
    "version": "1.1",
}

SPEC_EXAMPLES: list[dict[str, Any]] = [
    {
        **COMMON,
        "type": "identify",
        "traits": {
            "name": "Peter Gibbons",
            "email": "peter@example.com",
            "plan": "premium",
            "logins": 5,
            "address": {
                "street": "6th St",
                "city": "San Francisco",
                "state": "CA",
                "postalCode": "94103",
                "country": "USA",
            },
        },
    },
    {
        "anonymousId": "23adfd82-aa0f-45a7-a756-24f2a7a4c895",
        "context": {
            "library": {"name": "analytics.js", "version": "2.11.1"},
            "page": {
                "path": "/academy/",
                "referrer": "",
                "search": "",
                "title": "Analytics Academy",
                "url": "https://segment.com/academy/",
            },
            "userAgent": UA,
            "ip": "108.0.78.21",
        },
        "event": "Course Clicked",
        "integrations": {},
        "messageId": "ajs-f8ca1e4de5024d9430b3928bd8ac6b96",
        "properties": {"title": "Intro to Analytics"},
        "receivedAt": "2015-12-12T19:11:01.266Z",
        "sentAt": "2015-12-12T19:11:01.169Z",
        "timestamp": "2015-12-12T19:11:01.249Z",
        "type": "track",
        "userId": "AiUGstSDIg",
        "originalTimestamp": "2015-12-12T19:11:01.152Z",
    },
    {
        **COMMON,
        "type": "page",
        "name": "Home",
        "properties": {"title": "Welcome | Initech", "url": "http://www.example.com"},
    },
    {**COMMON, "type": "screen", "name": "Home", "properties": {"variation": "blue signup button"}},
    {
        **COMMON,
        "type": "group",
        "groupId": "0e8c78ea9d97a7b8185e8632",
        "traits": {
            "name": "Initech",
            "industry": "Technology",
            "employees": 329,
            "plan": "enterprise",
            "total billed": 830,
        },
    },
    {**COMMON, "type": "alias", "previousId": "39239-239239-239239-23923", "userId": "507f191e81"},
    {
        **COMMON,
        "type": "track",
        "event": "Order Completed",
        "properties": {
            "checkout_id": "fksdjfsdjfisjf9sdfjsd9f",
            "order_id": "50314b8e9bcf000000000000",
            "affiliation": "Google Store",
            "total": 27.50,
            "subtotal": 22.50,
            "revenue": 25.00,
            "shipping": 3,
            "tax": 2,
            "discount": 2.5,
            "coupon": "hasbros",
            "currency": "USD",
            "products": [
                {
                    "product_id": "507f1f77bcf86cd799439011",
                    "sku": "45790-32",
                    "name": "Monopoly: 3rd Edition",
                    "price": 19,
                    "quantity": 1,
                    "category": "Games",
                    "url": "https://www.example.com/product/path",
                    "image_url": "https:///www.example.com/product/path.jpg",
                }
            ],
        },
    },
    {
        **COMMON,
        "type": "track",
        "event": "Promotion Viewed",
        "properties": {
            "promotion_id": "promo_1",
            "creative": "top_banner_2",
            "name": "75% store-wide shoe sale",
            "position": "home_banner_top",
        },
    },
    {
        **COMMON,
        "type": "track",
        "event": "Product Reviewed",
        "properties": {
            "product_id": "507f1f77bcf86cd799439011",
            "review_id": "kdfjrj39fj39jf3",
            "review_body": "I love this product",
            "rating": "5",
        },
    },
    {
        **COMMON,
        "type": "track",
        "event": "Video Playback Started",
        "properties": {
            "session_id": "12345",
            "content_asset_ids": ["0129370"],
            "content_pod_ids": ["segA", "segB"],
            "ad_asset_id": ["ad123", "ad345"],
            "ad_pod_id": ["adSegA", "adSegB"],
            "ad_type": ["mid-roll", "post-roll"],
            "position": 0,
            "total_length": 392,
            "bitrate": 100,
            "framerate": 29.00,
            "video_player": "youtube",
            "sound": 88,
            "full_screen": False,
            "ad_enabled": False,
            "quality": "hd1080",
            "livestream": False,
        },
    },
    {
        **COMMON,
        "type": "track",
        "event": "Application Opened",
        "properties": {
            "from_background": False,
            "referring_application": "GMail",
            "url": "url://location",
            "version": "1.0.0",
            "build": "3",
        },
    },
]

WIRE_PAYLOADS: list[dict[str, Any]] = [
    # segment-analytics-python 2.4.0 (customerio py 1.1.0 is identical in shape)
    {
        "integrations": {},
        "anonymousId": None,
        "properties": {"revenue": 9.99},
        "timestamp": "2026-11-22T10:31:19.522+00:00",
        "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
        "userId": "u1",
        "type": "track",
        "event": "Order Completed",
        "messageId": "db695562-557f-4033-91cb-fedbd96583c6",
    },
    {
        "integrations": {},
        "anonymousId": None,
        "timestamp": "2026-11-22T10:31:20.977+00:00",
        "context": {"library": {"name": "analytics-python", "version": "1.1.0"}},
        "type": "identify",
        "userId": "u1",
        "traits": {"email": "a@b.c", "plan": "pro"},
        "messageId": "5d03c14a-0000-4000-8000-000000000001",
    },
    {
        "integrations": {},
        "anonymousId": None,
        "userId": "u1",
        "type": "page",
        "name": "Docs",
        "category": None,
        "properties": {},
        "timestamp": "2026-11-22T10:31:19.522+00:00",
        "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
        "messageId": "db695562-557f-4033-91cb-fedbd96583c7",
    },
    # rudder-sdk-python 2.1.9: traits only in context.traits, channel server
    {
        "integrations": {"All": True},
        "anonymousId": None,
        "timestamp": "2026-11-22T10:31:22.413651+00:00",
        "context": {
            "traits": {"email": "a@b.c", "plan": "pro"},
            "library": {"name": "analytics-python", "version": "2.1.9"},
        },
        "type": "identify",
        "userId": "u1",
        "messageId": "67aa8da8-0000-4000-8000-000000000002",
        "channel": "server",
    },
    # @segment/analytics-node 3.1.0
    {
        "timestamp": "2026-11-22T10:31:30.633Z",
        "integrations": {},
        "type": "page",
        "properties": {"url": "http://x/y", "category": "Docs"},
        "category": "Docs",
        "name": "Intro",
        "context": {"library": {"name": "@segment/analytics-node", "version": "3.1.0"}},
        "userId": "u1",
        "messageId": "node-next-1795343490633-6ed04b3b-0000-4000-8000-0000000",
        "_metadata": {"nodeVersion": "v20.20.2", "jsRuntime": "node"},
    },
    # analytics-node 6.2.0 alias
    {
        "previousId": "anon-1",
        "userId": "u1",
        "type": "alias",
        "context": {"library": {"name": "analytics-node", "version": "6.2.0"}},
        "_metadata": {"nodeVersion": "20.20.2"},
        "timestamp": "2026-11-22T10:31:31.760Z",
        "messageId": "node-f39260e81b0e7b1e320a56051779a349-cf06b318-0000-4000-8000-000000",
    },
    # @customerio/cdp-analytics-node group
    {
        "timestamp": "2026-11-22T10:31:30.941Z",
        "integrations": {},
        "type": "group",
        "traits": {"name": "Acme"},
        "groupId": "g1",
        "context": {
            "library": {"name": "@customerio/cdp-analytics-node", "version": "1.0.0-beta.22"}
        },
        "userId": "u1",
        "messageId": "node-next-1795343490942-0af76f12-0000-4000-8000-00000",
        "_metadata": {"nodeVersion": "20.20.2", "jsRuntime": "node"},
    },
    # @rudderstack/rudder-sdk-node 3.0.13: originalTimestamp, per-event sentAt
    {
        "userId": "u1",
        "event": "Order Completed",
        "properties": {"revenue": 9.99},
        "type": "track",
        "context": {"library": {"name": "analytics-node", "version": "3.0.13"}},
        "channel": "server",
        "_metadata": {"nodeVersion": "20.20.2"},
        "originalTimestamp": "2026-11-22T10:31:31.279Z",
        "messageId": "134e86c2-0000-4000-8000-000000000003",
        "sentAt": "2026-11-22T10:31:31.581Z",
    },
    # @segment/analytics-next 1.84.3 standard delivery
    {
        "timestamp": "2026-11-22T10:33:47.767Z",
        "integrations": {"Segment.io": True},
        "event": "Order Completed",
        "type": "track",
        "properties": {"revenue": 9.99},
        "context": {
            "page": {
                "path": "/index.html",
                "referrer": "",
                "search": "",
                "title": "",
                "url": "http://127.0.0.1:18770/index.html",
            },
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
            "userAgentData": {
                "brands": [{"brand": "Chromium", "version": "156"}],
                "mobile": False,
                "platform": "Linux",
            },
            "locale": "en-US",
            "library": {"name": "analytics.js", "version": "next-1.84.3"},
            "timezone": "UTC",
        },
        "messageId": "ajs-next-1795343627767-9c3a44a9-0000-4000-8000-000000000000",
        "userId": "u1",
        "anonymousId": "2ede9c3a-0000-4000-8000-000000000000",
        "writeKey": "WK_BROWSER",
        "sentAt": "2026-11-22T10:33:47.767Z",
        "_metadata": {"bundled": ["Segment.io"], "unbundled": [], "bundledIds": []},
    },
    # @customerio/cdp-analytics-browser 0.5.11
    {
        "timestamp": "2026-11-22T10:34:04.406Z",
        "integrations": {"Customer.io Data Pipelines": True},
        "userId": "u1",
        "anonymousId": "c181764e-0000-4000-8000-000000000000",
        "event": "Order Completed",
        "type": "track",
        "properties": {"revenue": 9.99},
        "context": {
            "page": {
                "path": "/",
                "referrer": "",
                "search": "",
                "title": "",
                "url": "http://127.0.0.1:18770/",
            },
            "userAgent": "Mozilla/5.0",
            "locale": "en-US",
            "library": {"name": "analytics.js", "version": "next-0.5.11"},
        },
        "messageId": "ajs-next-5cdda9d4ed5a4ccaf2fc4e7208e97d84",
        "writeKey": "WK_CIO_BROWSER",
        "sentAt": "2026-11-22T10:34:04.416Z",
        "_metadata": {"bundled": []},
    },
]

_VALUES = {
    "S": "abc",
    "N": 12.5,
    "I": 3,
    "B": True,
    "O": {"k": "v"},
    "D": "2024-01-31T12:00:00Z",
    "A<S>": ["a", "b"],
    "S|O": "shoes",
}


def semantic_examples() -> list[dict[str, Any]]:
    """One spec-typed track call per semantic event in resources/specs."""
    out = []
    cat = default_catalog()
    for i, (name, ev) in enumerate(sorted(cat.events.items())):
        props: dict[str, Any] = {}
        for k, pt in ev.props.items():
            if pt.is_array:
                props[k] = [{ik: _VALUES[ipt.code] for ik, ipt in (pt.items or {}).items()}]
            elif pt.items is not None:
                props[k] = {ik: _VALUES[ipt.code] for ik, ipt in pt.items.items()}
            elif k in cat.enums:
                props[k] = cat.enums[k][0]
            elif k in cat.ranges:
                props[k] = int(cat.ranges[k][0])
            elif k == "currency":
                props[k] = "USD"
            else:
                props[k] = _VALUES.get(pt.code.split("|")[0], "abc")
        ctx: dict[str, Any] = {"library": {"name": "analytics-ios", "version": "4.1.8"}}
        if ev.b2b:
            ctx["groupId"] = "acme-1"
        out.append(
            {
                "type": "track",
                "event": name,
                "properties": props,
                "context": ctx,
                "userId": "user-1234",
                "messageId": f"sem-{i}",
                "timestamp": "2024-01-31T12:00:00Z",
            }
        )
    return out
