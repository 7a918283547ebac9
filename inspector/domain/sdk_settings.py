"""What the SDKs fetch before they send: the answers a collector gives so that they start.

- RudderStack's mobile SDKs ask the control plane for ``GET /sourceConfig`` (iOS and Android v1
  send no event at all until it says ``"enabled": true``; the newer Kotlin and Swift SDKs decode
  it with required ``id``, ``name``, ``writeKey``, ``enabled``, ``workspaceId``, ``updatedAt``).
  Source: rudder-sdk-ios ``RSServerConfigSource.m``/``RSEventRepository.m``, rudder-sdk-android
  ``RudderServerConfigSource.java``/``EventRepository.java``, rudder-sdk-kotlin ``SourceConfig.kt``.
"""

from __future__ import annotations

import hashlib
from typing import Any

# a fixed date: the config never changes, so SDKs that cache it by updatedAt keep the cache
UPDATED_AT = "2026-01-01T00:00:00.000Z"


def rudder_source_config(write_key: str) -> dict[str, Any]:
    """A RudderStack source config with the source enabled, no destinations and no telemetry."""
    digest = hashlib.sha256(write_key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return {
        "isHosted": False,
        "source": {
            "id": f"event-inspector-{digest}",
            "name": "Event Inspector",
            "writeKey": write_key,
            "enabled": True,
            "workspaceId": "event-inspector",
            "updatedAt": UPDATED_AT,
            "config": {
                "statsCollection": {"errors": {"enabled": False}, "metrics": {"enabled": False}}
            },
            "destinations": [],
        },
    }
