"""What the SDKs fetch before they send: the answers a collector gives so that they start.

- Segment-family libraries ask for ``GET {cdn}/v1/projects/<writeKey>/settings`` (the browser
  libraries with ``cdnURL``; the mobile SDKs as ``https://{cdnHost}/projects/<writeKey>/settings``)
  and each takes its own delivery settings from the integration named after itself:
  @segment/analytics-next and analytics-swift/kotlin/React Native/Flutter read
  ``integrations["Segment.io"]`` (``apiHost``, ``protocol``), @customerio/cdp-analytics-browser
  and Customer.io's mobile SDKs read ``integrations["Customer.io Data Pipelines"]``; without
  their own entry they send to their vendor's cloud. The request does not say which library
  asks, so :func:`project_settings` names both. Neither library installs a device-mode
  destination from an entry without ``type: "browser"`` (``isInstallableIntegration``), and
  each marks only its own name as ``bundled`` in ``_metadata`` (which tells them apart). Source:
  analytics-next 1.84.3 and cdp-analytics-browser 0.5.11 ``browser/index.js``,
  ``plugins/segmentio|customerio/index.js``, ``plugins/ajs-destination/utils.js``.
- RudderStack's mobile SDKs ask the control plane for ``GET /sourceConfig`` (iOS and Android v1
  send no event at all until it says ``"enabled": true``; the newer Kotlin and Swift SDKs decode
  it with required ``id``, ``name``, ``writeKey``, ``enabled``, ``workspaceId``, ``updatedAt``).
  Source: rudder-sdk-ios ``RSServerConfigSource.m``/``RSEventRepository.m``, rudder-sdk-android
  ``RudderServerConfigSource.java``/``EventRepository.java``, rudder-sdk-kotlin ``SourceConfig.kt``.
"""

from __future__ import annotations

import hashlib
from typing import Any

SEGMENT = "Segment.io"
CUSTOMERIO = "Customer.io Data Pipelines"
# what a caller may name to get one vendor's entry only (``?vendor=``, a per-key choice)
_VENDOR_NAMES = {
    "segment": SEGMENT,
    "segment.io": SEGMENT,
    "customerio": CUSTOMERIO,
    "customer.io": CUSTOMERIO,
    "cio": CUSTOMERIO,
    "customer.io data pipelines": CUSTOMERIO,
}


def settings_vendors(choice: str | None) -> tuple[str, ...]:
    """The integration names settings carry: the one ``choice`` names, else every vendor's."""
    if choice:
        name = _VENDOR_NAMES.get(choice.strip().lower())
        if name:
            return (name,)
    return (SEGMENT, CUSTOMERIO)


def project_settings(
    write_key: str, api_host: str, protocol: str, vendors: tuple[str, ...] = (SEGMENT, CUSTOMERIO)
) -> dict[str, Any]:
    """Settings that send every named library's events to ``protocol://api_host/v1``.

    ``api_host`` is ``host:port`` as the library reached the collector. No metrics (sample
    rate 0), no plan, middleware or remote plugins: nothing is fetched from anywhere else."""
    entry = {"apiKey": write_key, "apiHost": f"{api_host}/v1", "protocol": protocol}
    return {
        "integrations": {vendor: dict(entry) for vendor in vendors},
        "metrics": {"sampleRate": 0},
        "plan": {},
        "enabledMiddleware": {},
        "middlewareSettings": {},
        "remotePlugins": [],
    }


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
