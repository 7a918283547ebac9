"""What a phone or emulator needs to send to this collector: URLs and each SDK's own settings.

Option names are the SDKs' own, read from their source (see tests/fixtures/mobile/README.md):
the Segment-family SDKs take a host without scheme and always use HTTPS (``apiHost``/``cdnHost``
``"HOST:PORT/v1"``); React Native takes full URLs (``proxy``/``cdnProxy`` with
``useSegmentEndpoints``); RudderStack takes ``dataPlaneUrl``/``controlPlaneUrl`` URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Snippet:
    title: str
    language: str
    code: str


@dataclass(slots=True)
class Endpoints:
    """The collector's URLs a device can use (filled in once it listens)."""

    http: list[str] = field(default_factory=list)
    https: list[str] = field(default_factory=list)

    @property
    def device_url(self) -> str:
        """The URL to put in an app: HTTPS on a LAN address when there is one."""
        for urls in (self.https, self.http):
            lan = [u for u in urls if not is_loopback_url(u)]
            if lan:
                return lan[0]
        return (self.https or self.http or ["http://127.0.0.1:8787"])[0]

    @property
    def phone_page(self) -> str:
        """The page a QR code opens: plain HTTP, so it loads before the CA is trusted."""
        lan = [u for u in self.http if not is_loopback_url(u)]
        return (lan or self.http or ["http://127.0.0.1:8787"])[0] + "/phone"

    def port(self, scheme: str) -> int | None:
        urls = self.https if scheme == "https" else self.http
        return urlsplit(urls[0]).port if urls else None


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def mobile_snippets(base: str) -> list[Snippet]:
    """Each mobile SDK pointed at ``base`` (``https://HOST:PORT``), as its docs set it up."""
    host = urlsplit(base).netloc
    return [
        Snippet(
            "analytics-swift (iOS)",
            "Swift",
            f"""let configuration = Configuration(writeKey: "YOUR_WRITE_KEY")
    .apiHost("{host}/v1")
    .cdnHost("{host}/v1")
    .flushAt(1)
let analytics = Analytics(configuration: configuration)""",
        ),
        Snippet(
            "analytics-kotlin (Android)",
            "Kotlin",
            f"""val analytics = Analytics("YOUR_WRITE_KEY", applicationContext) {{
    apiHost = "{host}/v1"
    cdnHost = "{host}/v1"
    flushAt = 1
}}""",
        ),
        Snippet(
            "@segment/analytics-react-native",
            "TypeScript",
            f"""const segmentClient = createClient({{
  writeKey: 'YOUR_WRITE_KEY',
  proxy: '{base}/v1',          // events: POST {base}/v1/b
  cdnProxy: '{base}/v1',       // settings: GET .../v1/projects/<key>/settings
  useSegmentEndpoints: true,
  flushAt: 1,
}});""",
        ),
        Snippet(
            "segment_analytics (Flutter)",
            "Dart",
            f"""final analytics = createClient(Configuration(
  "YOUR_WRITE_KEY",
  apiHost: "{host}/v1",
  cdnHost: "{host}/v1",
));""",
        ),
        Snippet(
            "Customer.io (iOS, CioDataPipelines)",
            "Swift",
            f"""let config = SDKConfigBuilder(cdpApiKey: "YOUR_CDP_API_KEY")
    .apiHost("{host}/v1")
    .cdnHost("{host}/v1")
    .flushAt(1)
CustomerIO.initialize(withConfig: config.build())""",
        ),
        Snippet(
            "Customer.io (Android, datapipelines)",
            "Kotlin",
            f"""CustomerIOBuilder(applicationContext = this, cdpApiKey = "YOUR_CDP_API_KEY")
    .apiHost("{host}/v1")
    .cdnHost("{host}/v1")
    .build()""",
        ),
        Snippet(
            "RudderStack (Android)",
            "Kotlin",
            f"""// com.rudderstack.sdk.kotlin:android
val analytics = Analytics(configuration = Configuration(
    application = application,
    writeKey = "YOUR_WRITE_KEY",
    dataPlaneUrl = "{base}",
    controlPlaneUrl = "{base}",
))
// rudder-sdk-android (v1): RudderConfig.Builder()
//     .withDataPlaneUrl("{base}").withControlPlaneUrl("{base}").build()""",
        ),
        Snippet(
            "RudderStack (iOS)",
            "Swift",
            f"""// rudder-sdk-swift
let config = Configuration(writeKey: "YOUR_WRITE_KEY",
                           dataPlaneUrl: "{base}",
                           controlPlaneUrl: "{base}")
let analytics = Analytics(configuration: config)
// rudder-sdk-ios (v1): RSConfigBuilder()
//     .withDataPlaneUrl("{base}").withControlPlaneUrl("{base}")""",
        ),
        Snippet(
            "Android: trust the CA in a debug build",
            "XML",
            """<!-- src/debug/res/xml/network_security_config.xml -->
<network-security-config>
  <debug-overrides>
    <trust-anchors>
      <certificates src="user" />
    </trust-anchors>
  </debug-overrides>
</network-security-config>
<!-- AndroidManifest.xml, <application ...> -->
android:networkSecurityConfig="@xml/network_security_config\"""",
        ),
    ]


def code_spans(text: str) -> str:
    """An emulator step as HTML: already-escaped text with its `commands` in <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def emulator_steps(http_port: int, https_port: int | None) -> list[str]:
    """How an emulator reaches a collector that listens on this machine's loopback."""
    port = https_port or http_port
    ports = [http_port] + ([https_port] if https_port else [])
    reverse = " && ".join(f"adb reverse tcp:{p} tcp:{p}" for p in ports)
    return [
        f"Android emulator or USB device: run `{reverse}`, then use localhost:{port} in the app.",
        f"Android emulator without adb reverse: 10.0.2.2:{port} is this machine's loopback"
        + (" (the certificate names 10.0.2.2 too)." if https_port else "."),
        f"iOS simulator: it shares this machine's network, so localhost:{port} works as is; "
        "trust the CA with `xcrun simctl keychain booted add-root-cert ca.pem`.",
    ]
