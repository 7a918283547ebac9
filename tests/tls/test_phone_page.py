"""``GET /phone`` and its QR code: the URLs, the CA, each mobile SDK's settings, emulator steps."""

from __future__ import annotations

import io
import re
import urllib.request
from pathlib import Path

import segno

from inspector.domain.phone_setup import Endpoints, emulator_steps, mobile_snippets
from tests.tls.test_https_clients import Served, served

__all__ = ["served"]


def get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.headers["Content-Type"], resp.read().decode()


def test_phone_page_answers_with_urls_ca_and_snippets(served: Served) -> None:
    ctype, page = get(served.url + "/phone")
    assert ctype.startswith("text/html")
    assert served.tls_url in page and served.url in page
    assert 'href="/ca.crt"' in page and 'href="/ca.pem"' in page
    assert "VPN &amp; Device Management" in page and "Certificate Trust Settings" in page
    assert "&lt;certificates src=&quot;user&quot; /&gt;" in page
    host = served.tls_url.split("://", 1)[1]
    for snip in mobile_snippets(served.tls_url):
        assert snip.title.replace("&", "&amp;") in page
    assert f".apiHost(&quot;{host}/v1&quot;)" in page  # analytics-swift, host without scheme
    assert f"proxy: &#x27;{served.tls_url}/v1&#x27;" in page  # React Native, a full URL
    assert f"dataPlaneUrl = &quot;{served.tls_url}&quot;" in page  # RudderStack
    http_port = int(served.url.rsplit(":", 1)[1])
    tls_port = int(served.tls_url.rsplit(":", 1)[1])
    assert f"adb reverse tcp:{http_port} tcp:{http_port}" in page
    assert f"adb reverse tcp:{tls_port} tcp:{tls_port}" in page
    assert "10.0.2.2" in page
    # nothing loaded from anywhere else
    assert not re.search(r"(src|href)=['\"]https?://", page)


def test_qr_code_encodes_the_phone_page(served: Served) -> None:
    ctype, svg = get(served.url + "/phone/qr.svg")
    assert ctype == "image/svg+xml"
    want = io.BytesIO()
    segno.make(served.url + "/phone", error="m").save(want, kind="svg", scale=6, border=2)
    assert svg == want.getvalue().decode()


def test_phone_page_url_prefers_a_lan_address() -> None:
    ep = Endpoints(
        http=["http://127.0.0.1:8787", "http://192.0.2.7:8787"],
        https=["https://127.0.0.1:8788", "https://192.0.2.7:8788"],
    )
    assert ep.phone_page == "http://192.0.2.7:8787/phone"
    assert ep.device_url == "https://192.0.2.7:8788"
    steps = emulator_steps(8787, 8788)
    assert any("adb reverse tcp:8787 tcp:8787 && adb reverse tcp:8788 tcp:8788" in s for s in steps)


def test_phone_page_without_tls_says_how_to_get_https(tmp_path: Path) -> None:
    from tests.clients.harness import Collector

    c = Collector(tmp_path / "data").start()
    try:
        _, page = get(c.url + "/phone")
    finally:
        c.stop()
    assert "--tls" in page and 'href="/ca.pem"' not in page
