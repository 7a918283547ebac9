"""Tell real client libraries apart when several report the same ``context.library.name``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from inspector.domain.capture import Source

_UA_VERSION = re.compile(r"^([\w@/.-]+?)/([\w.-]+)")


def _integrations(message: Mapping[str, Any]) -> Mapping[str, Any]:
    i = message.get("integrations")
    return i if isinstance(i, dict) else {}


def detect_client(
    source: Source, headers: Mapping[str, str], envelope: Mapping[str, Any] | None,
    message: Mapping[str, Any],
) -> str | None:
    """A stable client id such as ``segment-analytics-python`` or ``rudder-sdk-node``."""
    lib = source.library or ""
    ua = source.user_agent or ""
    ver = source.library_version or ""
    mid = str(message.get("messageId") or "")
    channel = message.get("channel")
    integ = _integrations(message)
    if lib == "analytics-python":
        if channel == "server" or integ.get("All") is True and "rudder" in ua.lower():
            return "rudder-sdk-python"
        if channel == "server":
            return "rudder-sdk-python"
        if source.auth == "bearer" and source.write_key and re.match(
                r"^(pk|sk)_(us|eu)_", source.write_key):
            return "customerio-cdp-analytics"
        if envelope is not None and "writeKey" not in envelope:
            # Segment's library always sends writeKey in the envelope; Customer.io's does not.
            return "customerio-cdp-analytics"
        return "segment-analytics-python"
    if lib == "analytics-node":
        if channel == "server" or "originalTimestamp" in message:
            return "rudder-sdk-node"
        return "analytics-node"
    if lib == "@segment/analytics-node":
        return "@segment/analytics-node"
    if lib == "@customerio/cdp-analytics-node":
        return "@customerio/cdp-analytics-node"
    if lib == "analytics.js":
        if "Customer.io Data Pipelines" in integ:
            return "@customerio/cdp-analytics-browser"
        if ver.startswith("next-") or ver.startswith("npm:next-") or mid.startswith("ajs-next-"):
            return "@segment/analytics-next"
        return "analytics.js"
    if lib:
        return lib
    m = _UA_VERSION.match(ua)
    return m.group(1) if m else None
