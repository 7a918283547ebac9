"""``serve --tls``: real clients deliver over HTTPS trusting only the inspector's CA file.

Nothing turns verification off: the Python client gets the CA through ``REQUESTS_CA_BUNDLE``,
the Node client through ``NODE_EXTRA_CA_CERTS``, the mobile fixture through an ``ssl`` context
made from ``/ca.pem`` alone; without the CA the same connection is refused.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography import x509

from inspector.testing.serve import Served
from tests.clients.harness import Collector, by_tag, check_scenario, scenario, wait_for
from tests.clients.mobile.fixtures import load_all
from tests.clients.npm import NODE_DIR


@dataclass
class Https:
    url: str
    tls_url: str
    ca: Path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Https]:
    """``event-inspector serve --port 0 --tls`` as users run it, a process of its own."""
    with Served(tmp_path / "data", "--tls", session=None, extra_lines=1) as s:
        plain, tls = s.lines
        assert plain.startswith("listening on http://127.0.0.1:"), plain
        assert tls.startswith("listening on https://127.0.0.1:"), tls
        ca = Path(tls.split("trust the CA ", 1)[1].split(",", 1)[0])
        assert ca == tmp_path / "data" / "tls" / "ca.pem"
        yield Https(plain.split()[2], tls.split()[2], ca)


def test_python_client_delivers_over_https_with_only_the_ca(served: Https, tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import segment.analytics as analytics
        errors = []
        analytics.write_key = "WK_TLS_PY"
        analytics.host = {served.tls_url!r}
        analytics.max_retries = 0
        analytics.on_error = lambda e, batch: errors.append(repr(e))
        analytics.identify("user-tls", {{"email": "tls@example.com"}})
        analytics.track("user-tls", "Order Completed", {{"revenue": 9.99}})
        analytics.flush()
        analytics.shutdown()
        assert not errors, errors
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "CURL_CA_BUNDLE")}
    env["REQUESTS_CA_BUNDLE"] = str(served.ca)
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stdout + r.stderr
    events = wait_for(served.url, 2, lambda e: e["message"].get("userId") == "user-tls", settle=0.1)
    assert sorted(e["type"] for e in events) == ["identify", "track"]
    assert {e["source"]["client"] for e in events} == {"segment-analytics-python"}


def test_without_the_ca_the_connection_is_refused(served: Https) -> None:
    with pytest.raises(urllib.error.URLError) as info:
        urllib.request.urlopen(served.tls_url + "/ca.pem", timeout=10)
    assert isinstance(info.value.reason, ssl.SSLCertVerificationError)


@pytest.mark.node
def test_node_client_delivers_over_https_with_only_the_ca(
    served: Https, tmp_path: Path, node_modules: Path
) -> None:
    sc = scenario("node-tls", burst=20)
    path = tmp_path / "node-tls.json"
    path.write_text(json.dumps(sc))
    node = shutil.which("node")
    assert node is not None
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(served.ca)}
    env.pop("NODE_TLS_REJECT_UNAUTHORIZED", None)
    r = subprocess.run(
        [
            node,
            str(NODE_DIR / "send.mjs"),
            "segment-node",
            served.tls_url,
            "WK_TLS_NODE",
            str(path),
        ],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    events = wait_for(served.url, 26, by_tag("node-tls"), settle=0.2)
    check_scenario(events, sc, client="@segment/analytics-node", burst=True)


def test_ca_routes_hand_out_the_ca(served: Https) -> None:
    ca_pem = served.ca.read_bytes()
    ctx = ssl.create_default_context(cafile=str(served.ca))
    for base, kw in ((served.url, {}), (served.tls_url, {"context": ctx})):
        with urllib.request.urlopen(base + "/ca.pem", timeout=10, **kw) as resp:
            assert resp.headers["Content-Type"] == "application/x-x509-ca-cert"
            assert resp.read() == ca_pem
        with urllib.request.urlopen(base + "/ca.crt", timeout=10, **kw) as resp:
            assert resp.headers["Content-Type"] == "application/x-x509-ca-cert"
            assert "event-inspector-ca.crt" in resp.headers["Content-Disposition"]
            der = resp.read()
        cert = x509.load_der_x509_certificate(der)
        assert cert == x509.load_pem_x509_certificate(ca_pem)


def test_a_mobile_sdk_request_over_https(served: Https) -> None:
    """analytics-swift builds ``https://{apiHost}/b``: its request, over TLS, trusting the CA."""
    fx = next(f for f in load_all() if f.name == "analytics-swift")
    u = urlsplit(served.tls_url)
    ctx = ssl.create_default_context(cafile=str(served.ca))
    conn = http.client.HTTPSConnection(u.hostname or "", u.port, context=ctx, timeout=30)
    try:
        conn.request("POST", fx.request["path"], fx.wire_body(), fx.request["headers"])
        resp = conn.getresponse()
        assert (resp.status, json.loads(resp.read())) == (200, {"success": True})
    finally:
        conn.close()
    events = wait_for(
        served.url, 3, lambda e: e["source"]["client"] == "analytics-swift", settle=0.1
    )
    assert len(events) == 3


def test_no_ca_without_tls(collector: Collector) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(collector.url + "/ca.pem", timeout=10)
    assert info.value.code == 404
    assert json.loads(info.value.read())["code"] == "tls_off"


def test_settings_fetched_over_https_send_events_over_https(served: Https) -> None:
    """A library that fetched its settings over HTTPS (a page on https, a phone's cdnHost)
    is told to send over HTTPS to the same address, never back to plain HTTP."""
    ctx = ssl.create_default_context(cafile=str(served.ca))
    tls_host = served.tls_url.split("://", 1)[1]
    for path in ("/v1/projects/WK_TLS/settings", "/projects/WK_TLS/settings"):
        with urllib.request.urlopen(served.tls_url + path, timeout=10, context=ctx) as resp:
            integrations = json.loads(resp.read())["integrations"]
        for name in ("Segment.io", "Customer.io Data Pipelines"):
            assert integrations[name]["protocol"] == "https"
            assert integrations[name]["apiHost"] == f"{tls_host}/v1"
    with urllib.request.urlopen(served.url + "/v1/projects/WK_TLS/settings", timeout=10) as resp:
        assert json.loads(resp.read())["integrations"]["Segment.io"]["protocol"] == "http"
