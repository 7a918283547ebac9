"""``GET /phone``: a small page a phone opens (from a QR code) to reach this collector.

It lists the URLs a device can use, hands out the CA with the steps to trust it on iOS and
Android, and shows each mobile SDK's settings pointed here, with copy buttons. Plain HTML, no
script from anywhere else; ``GET /phone/qr.svg`` is the QR code that opens the page.
"""

from __future__ import annotations

import html
import io

import segno
from aiohttp import web

from inspector.collector.keys import ENDPOINTS, TLS_FILES
from inspector.domain.phone_setup import (
    Endpoints,
    code_spans,
    emulator_steps,
    is_loopback_url,
    mobile_snippets,
)

STYLE = """
body{font:16px/1.45 -apple-system,system-ui,sans-serif;margin:0 auto;max-width:760px;
padding:12px 16px 40px;color:#1d2430;background:#fafbfc}
h1{font-size:1.35em;margin:.4em 0}h2{font-size:1.1em;margin:1.4em 0 .4em}
code,pre{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre{background:#fff;border:1px solid #d6dbe3;border-radius:6px;padding:8px 10px;
overflow-x:auto;margin:4px 0 0}
.card{background:#fff;border:1px solid #d6dbe3;border-radius:8px;padding:10px 12px;margin:10px 0}
.head{display:flex;justify-content:space-between;align-items:center;gap:8px}
button,.btn{font:inherit;font-size:14px;padding:6px 12px;border-radius:6px;border:1px solid #3867d6;
background:#3867d6;color:#fff;text-decoration:none;display:inline-block;margin:4px 6px 4px 0}
button.copy{background:#fff;color:#3867d6}
.url{font-weight:600;word-break:break-all}.muted{color:#5d6b7e;font-size:14px}
ol{padding-left:1.3em}li{margin:.25em 0}.qr{float:right;margin:0 0 8px 12px}
"""

SCRIPT = """
document.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var text = document.getElementById(b.dataset.for).innerText;
    var done = function () { b.textContent = 'Copied'; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var r = document.createRange();
      r.selectNodeContents(document.getElementById(b.dataset.for));
      var s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
      try { document.execCommand('copy'); done(); } catch (e) { b.textContent = 'Selected'; }
    }
  });
});
"""


def qr_svg(url: str, scale: int = 4) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2))


def _copyable(ident: str, text: str) -> str:
    return (
        f'<div class="head"><span></span><button class="copy" data-for="{ident}">Copy</button>'
        f'</div><pre id="{ident}">{html.escape(text)}</pre>'
    )


def _ca_section(tls_on: bool) -> str:
    if not tls_on:
        return (
            "<h2>HTTPS</h2><p>This collector serves plain HTTP only. The Segment and "
            "Customer.io mobile SDKs connect over HTTPS only: start it with <code>--tls</code> "
            "(or <code>--lan</code>) to get a certificate and the CA to trust.</p>"
        )
    return """
<h2>1. Trust the inspector's certificate authority</h2>
<p><a class="btn" href="/ca.crt">Download for Android (.crt)</a>
<a class="btn" href="/ca.pem">Download for iOS (.pem)</a></p>
<div class="card"><b>iPhone / iPad</b> (open this page in Safari)<ol>
<li>Tap <i>Download for iOS</i>, then <i>Allow</i>: "Profile Downloaded".</li>
<li>Settings → General → VPN &amp; Device Management → <i>Event Inspector local CA</i> →
Install.</li>
<li>Settings → General → About → Certificate Trust Settings → turn on full trust for
<i>Event Inspector local CA</i>.</li></ol></div>
<div class="card"><b>Android</b><ol>
<li>Tap <i>Download for Android</i>.</li>
<li>Settings → Security → Encryption &amp; credentials → Install a certificate → CA
certificate, and pick the downloaded file (names vary by vendor and version).</li>
<li>Apps trust user-installed CAs only if they say so: add the debug-build
network-security-config below.</li></ol></div>
"""


def render(endpoints: Endpoints, tls_on: bool) -> str:
    base = endpoints.device_url
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Event Inspector · phone setup</title><style>{STYLE}</style></head><body>",
        f"<div class='qr'>{qr_svg(endpoints.phone_page, scale=3)}</div>",
        "<h1>Event Inspector · phone setup</h1>",
        "<p class='muted'>Point your app's analytics SDK at this collector. Everything stays "
        "on the computer running the inspector.</p><h2>Collector</h2>",
    ]
    urls = endpoints.https + endpoints.http
    lan = [u for u in urls if not is_loopback_url(u)]
    local = [u for u in urls if is_loopback_url(u)]
    for label, group in (
        ("From a phone on this network", lan),
        ("On this computer, an emulator (after adb reverse) or the iOS simulator", local),
    ):
        if not group:
            continue
        parts.append(f"<div class='card'><span class='muted'>{label}</span>")
        for url in group:
            ident = f"url{urls.index(url)}"
            parts.append(
                f"<div class='head'><code class='url' id='{ident}'>{html.escape(url)}</code>"
                f"<button class='copy' data-for='{ident}'>Copy</button></div>"
            )
        parts.append("</div>")
    parts.append(_ca_section(tls_on))
    parts.append(f"<h2>{'2. ' if tls_on else ''}Point your SDK here</h2>")
    for i, snip in enumerate(mobile_snippets(base)):
        parts.append(
            f"<div class='card'><b>{html.escape(snip.title)}</b> "
            f"<span class='muted'>{html.escape(snip.language)}</span>"
            + _copyable(f"snip{i}", snip.code)
            + "</div>"
        )
    http_port = endpoints.port("http") or 8787
    parts.append("<h2>Emulators and simulators</h2><ul>")
    for step in emulator_steps(http_port, endpoints.port("https")):
        parts.append(f"<li>{code_spans(html.escape(step))}</li>")
    parts.append(f"</ul><script>{SCRIPT}</script></body></html>")
    return "".join(parts)


async def phone_page(request: web.Request) -> web.Response:
    endpoints = request.app.get(ENDPOINTS) or Endpoints(http=[f"http://{request.host}"])
    page = render(endpoints, request.app.get(TLS_FILES) is not None)
    return web.Response(
        text=page,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP},
    )


async def phone_qr(request: web.Request) -> web.Response:
    endpoints = request.app.get(ENDPOINTS) or Endpoints(http=[f"http://{request.host}"])
    buf = io.BytesIO()
    segno.make(endpoints.phone_page, error="m").save(buf, kind="svg", scale=6, border=2)
    return web.Response(body=buf.getvalue(), content_type="image/svg+xml")


# the page loads nothing from elsewhere and runs only its own inline copy script
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'"


def add_routes(app: web.Application) -> None:
    app.router.add_get("/phone", phone_page)
    app.router.add_get("/phone/qr.svg", phone_qr)
