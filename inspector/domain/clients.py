"""Tell real client libraries apart when several report the same ``context.library.name``.

Verified against real traffic (tests/clients drives each library unmodified). Client id, the
``context.library.name`` it reports, and what tells it apart:

- segment-analytics-python (analytics-python): ``writeKey`` in the envelope, X-Retry-Count.
- customerio-cdp-analytics (analytics-python): no envelope ``writeKey``; Bearer pk_/sk_ keys.
- rudder-sdk-python (analytics-python): ``channel: "server"``, ``integrations {"All": true}``.
- @segment/analytics-node, @customerio/cdp-analytics-node: their names are unique (the
  Customer.io one reports its generator's version, not the package's).
- analytics-node (analytics-node): the legacy Segment lib, ``timestamp``, ``node-<md5>-`` ids.
- @rudderstack/rudder-sdk-node (analytics-node): ``channel: "server"``, ``originalTimestamp``.
- @segment/analytics-next (analytics.js): ``_metadata.bundled`` holds ``Segment.io`` (each
  browser library marks only its own integration, even when the settings name both),
  ``integrations["Segment.io"]`` when the page passed options for it, ``[npm:]next-1.x``.
- @customerio/cdp-analytics-browser (analytics.js): ``_metadata.bundled`` holds ``Customer.io
  Data Pipelines``, or ``integrations["Customer.io Data Pipelines"]``, version ``[npm:]next-0.x``.
- py-KISSmetrics (kissmetrics): the ``/e /s /a`` routes with a ``python-urllib3`` User-Agent.

Mobile SDKs (read from their source; fixtures in tests/fixtures/mobile): each reports a
``context.library.name`` of its own (``MOBILE_LIBRARIES``), except Customer.io's iOS and Android
SDKs, which remove ``context.library`` and put ``Customer.io iOS Client/…`` or ``Customer.io
Android Client/…`` in ``context.userAgent`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from inspector.domain.capture import Source

_UA_VERSION = re.compile(r"^([\w@/.-]+?)/([\w.-]+)")
_CIO_KEY = re.compile(r"^(pk|sk)_(us|eu)_")

SEGMENT_PY = "segment-analytics-python"
CIO_PY = "customerio-cdp-analytics"
RUDDER_PY = "rudder-sdk-python"
SEGMENT_NODE = "@segment/analytics-node"
LEGACY_NODE = "analytics-node"
RUDDER_NODE = "@rudderstack/rudder-sdk-node"
CIO_NODE = "@customerio/cdp-analytics-node"
SEGMENT_BROWSER = "@segment/analytics-next"
CIO_BROWSER = "@customerio/cdp-analytics-browser"
KM_PY = "py-KISSmetrics"
CIO_IOS = "customerio-ios"
CIO_ANDROID = "customerio-android"

# context.library.name -> client id, for the mobile SDKs that name themselves
MOBILE_LIBRARIES = {
    "analytics-swift": "analytics-swift",
    "analytics-kotlin": "analytics-kotlin",
    "analytics-react-native": "@segment/analytics-react-native",
    "analytics-flutter": "segment_analytics",
    "rudder-ios-library": "rudder-sdk-ios",
    "com.rudderstack.android.sdk.core": "rudder-sdk-android",
    "com.rudderstack.sdk.kotlin.android": "rudder-sdk-kotlin",
    "rudder-sdk-swift": "rudder-sdk-swift",
}
# Customer.io's mobile SDKs: context.userAgent prefix -> client id
_CIO_MOBILE_AGENTS = (
    ("Customer.io iOS Client/", CIO_IOS),
    ("Customer.io Android Client/", CIO_ANDROID),
)

# every id detect_client can name, for the query language's completion and the docs
KNOWN_CLIENTS = (
    SEGMENT_PY,
    CIO_PY,
    RUDDER_PY,
    SEGMENT_NODE,
    LEGACY_NODE,
    RUDDER_NODE,
    CIO_NODE,
    SEGMENT_BROWSER,
    CIO_BROWSER,
    KM_PY,
    *MOBILE_LIBRARIES.values(),
    CIO_IOS,
    CIO_ANDROID,
    "analytics.js",
    "kissmetrics-js",
    "kissmetrics-http",
)


def _integrations(message: Mapping[str, Any]) -> Mapping[str, Any]:
    i = message.get("integrations")
    return i if isinstance(i, dict) else {}


def _header(headers: Mapping[str, str], name: str) -> str:
    return headers.get(name) or headers.get(name.lower()) or ""


def _bundled(message: Mapping[str, Any]) -> list[Any]:
    meta = message.get("_metadata")
    bundled = meta.get("bundled") if isinstance(meta, dict) else None
    return bundled if isinstance(bundled, list) else []


def _is_rudder(message: Mapping[str, Any], ua: str) -> bool:
    """RudderStack SDKs stamp ``channel`` on every message; Segment's never do."""
    if message.get("channel") == "server" or "rudder" in ua.lower():
        return True
    integ = _integrations(message)
    return integ.get("All") is True and len(integ) == 1 and "originalTimestamp" in message


def _mobile_client(lib: str, message: Mapping[str, Any]) -> str | None:
    if lib in MOBILE_LIBRARIES:
        return MOBILE_LIBRARIES[lib]
    ctx = message.get("context")
    agent = ctx.get("userAgent") if isinstance(ctx, dict) else None
    if not lib and isinstance(agent, str):
        for prefix, client in _CIO_MOBILE_AGENTS:
            if agent.startswith(prefix):
                return client
    return None


def detect_client(
    source: Source,
    headers: Mapping[str, str],
    envelope: Mapping[str, Any] | None,
    message: Mapping[str, Any],
) -> str | None:
    """A stable client id, e.g. ``segment-analytics-python``, ``@rudderstack/rudder-sdk-node``."""
    lib = source.library or ""
    ua = source.user_agent or _header(headers, "User-Agent")
    ver = source.library_version or ""
    mid = str(message.get("messageId") or "")
    integ = _integrations(message)
    mobile = _mobile_client(lib, message)
    if mobile:
        return mobile
    if lib == "analytics-python":
        if _is_rudder(message, ua):
            return RUDDER_PY
        if source.auth == "bearer" and source.write_key and _CIO_KEY.match(source.write_key):
            return CIO_PY
        if _header(headers, "X-Retry-Count"):
            return SEGMENT_PY  # only Segment's library numbers its retries
        if envelope is not None and "writeKey" not in envelope:
            # segment-analytics-python 2.x always puts writeKey in the envelope;
            # Customer.io's fork (same name, same User-Agent family) never does.
            return CIO_PY
        return SEGMENT_PY
    if lib == "analytics-node":
        if _is_rudder(message, ua) or (
            "originalTimestamp" in message and "timestamp" not in message
        ):
            return RUDDER_NODE
        return LEGACY_NODE
    if lib in (SEGMENT_NODE, CIO_NODE):
        return lib
    if lib == "analytics.js":
        bundled = _bundled(message)
        if "Customer.io Data Pipelines" in bundled:
            return CIO_BROWSER
        if "Segment.io" in bundled:
            return SEGMENT_BROWSER
        if "Customer.io Data Pipelines" in integ or ver.startswith(("next-0.", "npm:next-0.")):
            return CIO_BROWSER
        if (
            "Segment.io" in integ
            or ver.startswith(("next-", "npm:next-"))
            or mid.startswith("ajs-next-")
        ):
            return SEGMENT_BROWSER
        return "analytics.js"
    if lib == "kissmetrics":
        if ua.startswith("python-urllib3/"):
            return KM_PY
        if ua.startswith("Mozilla/"):
            return "kissmetrics-js"
        return "kissmetrics-http"
    if lib:
        return lib
    m = _UA_VERSION.match(ua)
    return m.group(1) if m else None


class RequestClients:
    """:func:`detect_client` for the events of one request, the same answer for every input:
    what the request tells (User-Agent, ``X-Retry-Count``, the envelope's ``writeKey``) is
    worked out once, per event only what the message adds, and a library whose answer the
    message cannot change (the mobile SDKs, a unique name, KISSmetrics) is looked up once."""

    __slots__ = (
        "_by_ua",
        "_by_ua_read",
        "_envelope",
        "_fixed",
        "_headers",
        "_retry",
        "_rudder_ua",
        "_ua",
    )

    def __init__(
        self,
        headers: Mapping[str, str],
        envelope: Mapping[str, Any] | None,
        user_agent: str | None,
    ) -> None:
        self._headers, self._envelope = headers, envelope
        self._ua = user_agent or _header(headers, "User-Agent")
        # (worked out when first asked: a request of one event asks for one of them at most)
        self._rudder_ua: bool | None = None
        self._retry: bool | None = None
        self._by_ua: str | None = None
        self._by_ua_read = False
        self._fixed: dict[str, str] = {}  # library -> client, where the message cannot matter

    def client(
        self,
        lib: str | None,
        ver: str | None,
        write_key: str | None,
        auth: str,
        message: Mapping[str, Any],
        mid: Any,
    ) -> str | None:
        """The client of one event (``mid``: its ``messageId`` as sent, or None)."""
        if mid and mid.__class__ is not str:
            str(mid)  # (as detect_client: a messageId nested past the recursion limit raises)
        if not lib:
            return _mobile_client("", message) or self._ua_client()
        fixed = self._fixed.get(lib)
        if fixed is not None:
            return fixed
        if lib == "analytics.js":
            return _browser(ver or "", message, mid)
        if lib == "analytics-python":
            if self._rudder(message):
                return RUDDER_PY
            if auth == "bearer" and write_key and _CIO_KEY.match(write_key):
                return CIO_PY
            if self._retry is None:
                self._retry = bool(_header(self._headers, "X-Retry-Count"))
            if self._retry:
                return SEGMENT_PY  # only Segment's library numbers its retries
            if self._envelope is not None and "writeKey" not in self._envelope:
                return CIO_PY  # (Customer.io's fork never puts writeKey in the envelope)
            return SEGMENT_PY
        if lib == "analytics-node":
            if self._rudder(message) or (
                "originalTimestamp" in message and "timestamp" not in message
            ):
                return RUDDER_NODE
            return LEGACY_NODE
        found = MOBILE_LIBRARIES.get(lib)
        if found is None:
            if lib == "kissmetrics":
                ua = self._ua
                found = (
                    KM_PY
                    if ua.startswith("python-urllib3/")
                    else "kissmetrics-js"
                    if ua.startswith("Mozilla/")
                    else "kissmetrics-http"
                )
            else:
                found = lib  # @segment/analytics-node, @customerio/cdp-analytics-node, any other
        self._fixed[lib] = found
        return found

    def _ua_client(self) -> str | None:
        """No library named: the User-Agent's product, as detect_client reads it."""
        if not self._by_ua_read:
            m = _UA_VERSION.match(self._ua)
            self._by_ua, self._by_ua_read = (m.group(1) if m else None), True
        return self._by_ua

    def _rudder(self, message: Mapping[str, Any]) -> bool:
        if message.get("channel") == "server":
            return True
        if self._rudder_ua is None:
            self._rudder_ua = "rudder" in self._ua.lower()
        if self._rudder_ua:
            return True
        integ = _integrations(message)
        return integ.get("All") is True and len(integ) == 1 and "originalTimestamp" in message


def _browser(ver: str, message: Mapping[str, Any], mid: Any) -> str:
    """analytics.js: which of the browser libraries (as :func:`detect_client` tells)."""
    if "_metadata" in message:
        bundled = _bundled(message)
        if "Customer.io Data Pipelines" in bundled:
            return CIO_BROWSER
        if "Segment.io" in bundled:
            return SEGMENT_BROWSER
    integ = message.get("integrations")
    if integ.__class__ is not dict:
        integ = _integrations(message)
    if "Customer.io Data Pipelines" in integ or ver.startswith(("next-0.", "npm:next-0.")):
        return CIO_BROWSER
    if (
        "Segment.io" in integ
        or ver.startswith(("next-", "npm:next-"))
        or str(mid or "").startswith("ajs-next-")
    ):
        return SEGMENT_BROWSER
    return "analytics.js"
