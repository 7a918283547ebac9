"""Render the device view and the phone setup offscreen into docs/device-*.png, phone-*.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_mobile_screenshots.py [--out docs]

One person, Ada, on an iPhone (analytics-swift) and a Pixel (analytics-kotlin): each SDK's own
upload request from tests/fixtures/mobile, its events made Ada's, sent to the real window's
collector. Saves, at 1600x900 and 1024x640: device-detail*.png (an event with the device it
came from) and device-timeline*.png (People: which device each mark came from).

Then the window with ``--lan``, run in a private network namespace whose LAN address is
10.99.0.1 (tests/lan/window_scenario.py; nothing binds this machine's real addresses):
phone-panel.png (1024x640) and phone-panel-large.png (the first-run panel with the QR code,
the URLs, the token and the switch), phone-banner.png (the banner once events arrived) and
phone-dialog.png (its Phones… dialog). Skipped where ``unshare -n`` is refused.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sys
import urllib.request
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))
from shots_common import arguments, qt_loop, scratch, settle, window_args  # noqa: E402

_tmp = scratch("ei-mobile-shots-")
FIXTURES = ROOT / "tests" / "fixtures" / "mobile"


def send_as_ada(url: str, name: str) -> int:
    """POST the SDK's request as its source builds it (path, headers, gzip), userId 'ada'."""
    meta = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    body = json.loads((FIXTURES / f"{name}.body").read_bytes())
    for m in body["batch"]:
        m["userId"] = "ada"
    data = json.dumps(body).encode()
    req = meta["request"]
    if req["encoding"] == "gzip":
        data = gzip.compress(data)
    r = urllib.request.Request(url + req["path"], data=data, method=req["method"])
    for k, v in req["headers"].items():
        r.add_header(k, v)
    with urllib.request.urlopen(r, timeout=10) as resp:
        return int(resp.status)


def main() -> int:
    _, out = arguments()

    from inspector.gui.main import build_window, shutdown

    _app, loop = qt_loop()
    ns = window_args(_tmp / "data", "phones")
    w = build_window(ns)
    w.show()
    loop.run_until_complete(w.controller.start())

    async def drive() -> None:
        run = asyncio.get_running_loop().run_in_executor
        for name in ("analytics-swift", "analytics-kotlin"):
            assert await run(None, send_as_ada, w.controller.url, name) == 200
        await settle(w)

    loop.run_until_complete(drive())
    for size, suffix in (((1600, 900), ""), ((1024, 640), "-small")):
        w.resize(*size)
        w.tabs.setCurrentIndex(0)
        w.filter_bar.set_text("")
        loop.run_until_complete(settle(w, 0.3))
        w.table.select_row(1)  # the iPhone's track
        w.detail.setCurrentIndex(0)
        loop.run_until_complete(settle(w, 0.3))
        w.grab().save(str(out / f"device-detail{suffix}.png"))
        w.tabs.setCurrentIndex(2)
        w.people.refresh()
        w.people.select_person("ada")
        w.people.views.setCurrentIndex(1)
        loop.run_until_complete(settle(w, 0.3))
        w.grab().save(str(out / f"device-timeline{suffix}.png"))
    w.close()
    loop.run_until_complete(shutdown(w))
    loop.close()
    phone_shots(out)
    print("\n".join(str(p) for p in sorted(out.glob("device-*.png"))))
    print("\n".join(str(p) for p in sorted(out.glob("phone-*.png"))))
    return 0


def phone_shots(out: Path) -> None:
    from tests.lan.netns import netns_refusal, run_scenario

    why = netns_refusal()
    if why:
        print(f"phone-*.png not made: {why}", file=sys.stderr)
        return
    run_scenario("window_scenario", f"{_tmp}/lan-data", str(out.resolve()))


if __name__ == "__main__":
    raise SystemExit(main())
