"""Inside a network namespace (tests/lan/netns.py): ``event-inspector serve ARGS`` as users run
it, probed from inside over every URL it prints; prints the observations as one JSON line.

    python -m tests.lan.serve_scenario DATA_DIR [serve flags...]
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from inspector.domain.netaddrs import host_names

LAN = "10.99.0.1"
URL = re.compile(r"https?://[\w.:\[\]-]+")


def start(data_dir: str, flags: list[str]) -> tuple[subprocess.Popen[str], list[str]]:
    argv = [sys.executable, "-m", "inspector", "serve", "--port", "0", "--no-lint"]
    p = subprocess.Popen(
        [*argv, "--data-dir", data_dir, "--max-seconds", "60", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    last = [time.monotonic()]

    def read() -> None:
        assert p.stdout is not None
        for line in p.stdout:
            lines.append(line.rstrip("\n"))
            last[0] = time.monotonic()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 45
    # the startup lines come together: done once they are there and a moment passed quietly
    while time.monotonic() < deadline and p.poll() is None:
        if lines and time.monotonic() - last[0] > 1.0:
            break
        time.sleep(0.05)
    return p, list(lines)


def request(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    ca: str | None = None,
) -> tuple[int, bytes]:
    u = urlsplit(base)
    host, port = u.hostname or "", u.port
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=ca)  # the inspector's CA only
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, context=ctx, timeout=15
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=15)
    data = json.dumps(body).encode() if body is not None else None
    hdrs = {"Content-Type": "application/json"} if data is not None else {}
    hdrs.update(headers or {})
    try:
        conn.request(method, path, data, hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def main() -> int:
    data_dir, flags = sys.argv[1], sys.argv[2:]
    p, lines = start(data_dir, flags)
    out: dict[str, Any] = {"lines": lines, "probes": {}}
    try:
        text = "\n".join(lines)
        token_line = next((ln for ln in lines if ln.startswith("api token: ")), None)
        token = token_line.split()[2] if token_line else None
        if "--token" in flags:
            token = flags[flags.index("--token") + 1]
        out["token"] = token
        urls = list(dict.fromkeys(URL.findall(text)))
        bases = [
            u
            for u in urls
            if urlsplit(u).path == "" and not (urlsplit(u).hostname or "").startswith("0.0.0.0")
        ]
        out["bases"] = bases
        ca = str(Path(data_dir) / "tls" / "ca.pem")
        ca_arg = ca if Path(ca).exists() else None
        auth = {"X-Inspector-Token": token} if token else {}
        probes: dict[str, Any] = out["probes"]
        for base in dict.fromkeys(bases):
            name = f"Sent via {base}"
            s, b = request(
                base,
                "POST",
                "/v1/track",
                {"userId": "u", "event": name, "writeKey": "WK"},
                ca=ca_arg,
            )
            probes[f"track {base}"] = s
            probes[f"api {base}"] = request(base, "GET", "/api/stats", ca=ca_arg)[0]
            probes[f"api+token {base}"] = request(
                base, "GET", "/api/stats", headers=auth, ca=ca_arg
            )[0]
            for path, method, body in (
                ("/v1/track", "POST", {"userId": "u", "event": "Rebound", "writeKey": "WK"}),
                ("/api/stats", "GET", None),
                ("/v1/projects/WK/settings", "GET", None),
            ):
                s, b = request(
                    base, method, path, body, {"Host": "evil.example", **auth}, ca=ca_arg
                )
                probes[f"foreign {method} {path} {base}"] = [s, json.loads(b).get("code")]
            s, b = request(base, "GET", "/v1/projects/WK/settings", ca=ca_arg)
            probes[f"settings {base}"] = (
                json.loads(b)["integrations"]["Segment.io"] if s == 200 else s
            )
        loop_http = next((b for b in bases if b.startswith("http://127.0.0.1:")), None)
        if loop_http:
            port = urlsplit(loop_http).port
            probes["emulator"] = request(
                loop_http, "GET", "/api/health", headers={"Host": f"10.0.2.2:{port}", **auth}
            )[0]
        if loop_http:  # another address of this machine, and one that is not (Host check)
            port = urlsplit(loop_http).port
            for key, host in (("other-local", LAN), ("not-local", "198.51.100.7")):
                s, b = request(
                    loop_http, "GET", "/api/health", headers={"Host": f"{host}:{port}", **auth}
                )
                probes[key] = [s, json.loads(b).get("code")]
        lan_http = next((b for b in bases if b.startswith(f"http://{LAN}:")), None)
        if lan_http:  # this machine's names, as a phone may call it (mDNS: NAME.local)
            port = urlsplit(lan_http).port
            for name in host_names():
                status = request(
                    lan_http, "GET", "/api/health", headers={"Host": f"{name}:{port}", **auth}
                )[0]
                probes[f"name {name}"] = status
        if lan_http is None and bases:  # not listening there: nothing must answer
            try:
                request(f"http://{LAN}:{urlsplit(bases[0]).port}", "GET", "/api/health")
                out["lan_refused"] = False
            except ConnectionRefusedError:
                out["lan_refused"] = True
        if lan_http:
            s, b = request(lan_http, "GET", "/phone")
            out["phone"] = b.decode("utf-8", "replace") if s == 200 else s
        any_base = bases[0]
        s, b = request(any_base, "GET", "/api/events?limit=100", headers=auth, ca=ca_arg)
        events = json.loads(b).get("events", []) if s == 200 else []
        out["events"] = sorted(e["message"]["event"] for e in events)
    finally:
        p.terminate()
        try:
            _, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        out["stderr"] = err[-3000:]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
