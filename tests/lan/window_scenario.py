"""Inside a network namespace (tests/lan/netns.py): the window with ``--lan``, offscreen; its
phone panel, banner and startup lines, traffic from "the LAN", and the switch turned off and
on again. Prints the observations as one JSON line.

    python -m tests.lan.window_scenario DATA_DIR [SCREENSHOT_DIR]
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.lan.serve_scenario import LAN, request


def main() -> int:
    data_dir = sys.argv[1]
    shots = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    os.environ["EVENT_INSPECTOR_CONFIG_DIR"] = f"{data_dir}/config"
    os.environ["EVENT_INSPECTOR_LOG_DIR"] = f"{data_dir}/log"
    import qasync

    from inspector.cli import build_parser
    from inspector.gui.main import apply_theme, build_window, make_qapp, shutdown

    args = build_parser().parse_args(["--lan", "--port", "0", "--data-dir", data_dir])
    args.writer_process = False
    app = make_qapp()
    apply_theme("light")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    out: dict[str, Any] = {"lan_flag": args.lan}
    w = build_window(args, announce=True)
    w.service.writer.index_chunk = 0
    w.resize(1600, 900)
    w.show()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        loop.run_until_complete(w.controller.start())
    out["printed"] = printed.getvalue().splitlines()
    c = w.controller

    def until(cond: Any, timeout: float = 20) -> bool:
        async def poll() -> bool:
            end = time.monotonic() + timeout
            while not cond():
                if time.monotonic() > end:
                    return False
                w.feed.flush_now()
                await asyncio.sleep(0.05)
            return True

        return bool(loop.run_until_complete(poll()))

    def off_loop(fn: Any, *a: Any, **kw: Any) -> Any:
        return loop.run_until_complete(loop.run_in_executor(None, lambda: fn(*a, **kw)))

    def snapshot() -> dict[str, Any]:
        phone = w.first_run.phone
        return {
            "listening": list(c.server.listening) if c.server else [],
            "http": list(c.endpoints.http),
            "https": list(c.endpoints.https),
            "token": c.token,
            "qr": phone.qr is not None,
            "checked": phone.lan.isChecked(),
            "panel": phone.title.text(),
            "banner": w.banner.label.text() if w.banner.isVisible() else None,
        }

    on = out["on"] = snapshot()
    ca = str(Path(data_dir) / "tls" / "ca.pem")
    if shots is not None:
        loop.run_until_complete(asyncio.sleep(0.3))
        w.grab().save(str(shots / "phone-panel-large.png"))
        w.resize(1024, 640)
        loop.run_until_complete(asyncio.sleep(0.3))
        w.grab().save(str(shots / "phone-panel.png"))
        w.resize(1600, 900)
    sent = {}
    for base in [u for u in on["https"] + on["http"] if f"//{LAN}:" in u]:
        body = {"userId": "phone", "event": f"From {base}", "writeKey": "WK_PHONE"}
        sent[base] = off_loop(request, base, "POST", "/v1/track", body, ca=ca)[0]
        sent[f"api {base}"] = off_loop(request, base, "GET", "/api/stats", ca=ca)[0]
        hdr = {"X-Inspector-Token": on["token"] or ""}
        sent[f"api+token {base}"] = off_loop(
            request, base, "GET", "/api/stats", headers=hdr, ca=ca
        )[0]
    out["sent"] = sent
    out["rows"] = until(lambda: w.feed.model.rowCount() == 2) and w.feed.model.rowCount()
    if shots is not None:  # events hide the first-run panel: the banner, and its dialog
        loop.run_until_complete(asyncio.sleep(0.3))
        w.grab().save(str(shots / "phone-banner.png"))
        dlg = w.collector_state.open_phone_setup()
        loop.run_until_complete(asyncio.sleep(0.3))
        dlg.grab().save(str(shots / "phone-dialog.png"))
        dlg.close()
    # the switch off: loopback only, no token, nothing on the LAN address
    w.first_run.phone.lan.setChecked(False)
    out["off_restarted"] = until(lambda: c.running and not c.lan)
    off = out["off"] = snapshot()
    port = int(off["http"][0].rsplit(":", 1)[1])
    try:
        off_loop(request, f"http://{LAN}:{port}", "GET", "/api/health")
        out["off_lan_refused"] = False
    except ConnectionRefusedError:
        out["off_lan_refused"] = True
    # and on again, from the panel
    w.first_run.phone.lan.setChecked(True)
    out["on_again"] = until(lambda: c.running and c.lan and len(c.server.listening) > 1)
    out["again"] = snapshot()
    w.close()
    loop.run_until_complete(shutdown(w))
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
