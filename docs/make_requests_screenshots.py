"""Render the Requests tab offscreen into docs/requests.png (1600×900) and
docs/requests-small.png (1024×640, a rejected request with its JSON error caret).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_requests_screenshots.py [--out docs]

The real window and collector on port 0, the traffic of make_screenshots.py (SDK batches,
analytics.js calls, RudderStack gzip), a malformed request, an injected 503 and its retry,
forwarded to a local stand-in for the vendor's API (an aiohttp server on 127.0.0.1) so the
Upstream column is filled.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import (
    _tmp,
    backend_traffic,
    basic,
    browser_traffic,
    post,
    relay_and_rudder_traffic,
)
from shots_common import arguments, qt_loop, settle, window_args


async def start_upstream() -> tuple[str, object]:
    """A stand-in for the vendor's API on 127.0.0.1: answers 200 after a few milliseconds."""
    from aiohttp import web

    async def ok(request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(0.02)
        return web.json_response({"success": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", ok)
    runner = web.AppRunner(app, access_log=None, auto_decompress=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return f"http://127.0.0.1:{port}", runner


def main() -> int:
    _, out = arguments()

    from inspector.domain.faults import FaultRule
    from inspector.gui.main import build_window, shutdown

    _app, loop = qt_loop()
    upstream, runner = loop.run_until_complete(start_upstream())
    ns = window_args(_tmp / "data-requests", "checkout", forward=upstream)
    w = build_window(ns)
    w.resize(1600, 900)
    w.show()
    loop.run_until_complete(w.controller.start())

    async def drive() -> None:
        run = asyncio.get_running_loop().run_in_executor
        url = w.controller.url
        for send in (browser_traffic, backend_traffic, relay_and_rudder_traffic):
            await run(None, send, url)
        # a malformed request: rejected with 400, its JSON error shown with a caret
        broken = b'{"userId": "user_8841", "event": "Broken", }'
        await run(
            None, lambda: post(url + "/v1/track", broken, {"Content-Type": "application/json"})
        )
        w.service.faults.add(FaultRule(status=503, count=1, write_key="wk_backend"))
        body = json.dumps(
            {
                "batch": [
                    {
                        "type": "track",
                        "userId": "user_8841",
                        "event": "Retry Me",
                        "messageId": "retry-me-1",
                    }
                ],
                "writeKey": "wk_backend",
            }
        ).encode()
        hdrs = {"Content-Type": "application/json", "Authorization": basic("wk_backend")}
        for _ in range(2):  # answered 503, then sent again by the client
            await run(None, lambda: post(w.controller.url + "/v1/batch", body, hdrs))
        await settle(w, 1.0)

    loop.run_until_complete(drive())
    tab = w.requests_tab
    w.tabs.setCurrentIndex(w.tabs.indexOf(tab))
    w.splitter.setSizes([0, 1600, 0])
    m = tab.model
    loop.run_until_complete(settle(w, 0.5))
    rows = [(m.index(r, 3).data(), m.index(r, 6).data()) for r in range(m.rowCount())]
    batch = max(range(len(rows)), key=lambda r: int(rows[r][1]) if rows[r][1].isdigit() else 0)
    tab.table.selectRow(batch)
    tab.splitter.setSizes([430, 400])
    loop.run_until_complete(settle(w, 0.3))
    w.grab().save(str(out / "requests.png"))
    # the small one: the malformed request, its JSON error with a caret
    w.resize(1024, 640)
    loop.run_until_complete(settle(w, 0.2))
    w.splitter.setSizes([0, 1024, 0])
    rejected = next(r for r in range(m.rowCount()) if m.index(r, 1).data() == "400")
    tab.table.selectRow(rejected)
    tab.splitter.setSizes([250, 330])
    loop.run_until_complete(settle(w, 0.3))
    w.grab().save(str(out / "requests-small.png"))
    w.close()
    loop.run_until_complete(shutdown(w))
    loop.run_until_complete(runner.cleanup())  # type: ignore[attr-defined]
    loop.close()
    print(out / "requests.png", out / "requests-small.png", sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
