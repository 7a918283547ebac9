"""``serve --lan`` in a private network namespace whose "LAN address" is 10.99.0.1: tracking
over HTTP and HTTPS on the LAN address, the token on /api, foreign Hosts refused, every URL
printed. (tests/lan/netns.py: nothing here binds a real address.)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tests.lan.netns import LAN_ADDRESS, run_scenario


def test_serve_lan_answers_on_the_lan_over_http_and_https(tmp_path: Path) -> None:
    out = run_scenario("serve_scenario", str(tmp_path / "data"), "--lan")
    lines, probes, token = out["lines"], out["probes"], out["token"]
    # the startup lines: loopback first (the line scripts read), then the LAN, then the token
    assert lines[0].startswith("listening on http://127.0.0.1:"), lines
    assert lines[1].startswith("listening on https://127.0.0.1:"), lines
    port = urlsplit(lines[0].split()[2]).port
    tls_port = urlsplit(lines[1].split()[2]).port
    lan = [f"http://{LAN_ADDRESS}:{port}", f"https://{LAN_ADDRESS}:{tls_port}"]
    assert lines[2] == f"listening on the LAN too: {lan[0]}  {lan[1]}  (/api needs the token)"
    assert lines[3].startswith("api token: ") and token and len(token) >= 32
    device_line = next(ln for ln in lines if ln.startswith("a device can use: "))
    assert device_line.split(": ", 1)[1].split() == [
        lan[1],
        lan[0],
        f"https://127.0.0.1:{tls_port}",
        f"http://127.0.0.1:{port}",
    ]
    assert f"phone setup: {lan[0]}/phone  (scan the code below)" in lines
    assert "warning: --lan: reachable from other machines" in out["stderr"]
    every = [*lan, f"http://127.0.0.1:{port}", f"https://127.0.0.1:{tls_port}"]
    assert sorted(out["bases"]) == sorted(every)
    for base in every:
        assert probes[f"track {base}"] == 200, base  # tracking: open, HTTP and HTTPS
        assert probes[f"api {base}"] == 401, base  # /api: the token, on every address
        assert probes[f"api+token {base}"] == 200, base
        for key in ("POST /v1/track", "GET /api/stats", "GET /v1/projects/WK/settings"):
            assert probes[f"foreign {key} {base}"] == [421, "host_not_allowed"], (key, base)
        # settings name the address and scheme the library asked on
        scheme, host = base.split("://")
        assert probes[f"settings {base}"]["apiHost"] == f"{host}/v1"
        assert probes[f"settings {base}"]["protocol"] == scheme
    assert probes["emulator"] == 200  # the Android emulator's 10.0.2.2 on a loopback connection
    names = [k for k in probes if k.startswith("name ")]  # this machine's name and NAME.local
    assert names and all(probes[k] == 200 for k in names), names
    assert lan[1] in out["phone"] and lan[0] in out["phone"]
    assert out["events"] == sorted(f"Sent via {b}" for b in every)  # nothing else stored


def test_serve_without_lan_stays_on_loopback(tmp_path: Path) -> None:
    """The same namespace without --lan: nothing on the LAN address, no token, no HTTPS."""
    out = run_scenario("serve_scenario", str(tmp_path / "data"))
    assert out["lines"][0].startswith("listening on http://127.0.0.1:")
    assert out["token"] is None and out["lan_refused"] is True
    assert [b for b in out["bases"]] == [out["lines"][0].split()[2]]
    assert out["probes"][f"api {out['bases'][0]}"] == 200


def test_serve_lan_with_every_interface_lists_real_addresses(tmp_path: Path) -> None:
    """``--lan --host 0.0.0.0``: one socket for every address; the URLs it prints are the
    addresses a device can use, never 0.0.0.0."""
    out = run_scenario("serve_scenario", str(tmp_path / "data"), "--lan", "--host", "0.0.0.0")
    device_line = next(ln for ln in out["lines"] if ln.startswith("a device can use: "))
    urls = device_line.split(": ", 1)[1].split()
    assert [u.split("//")[1].split(":")[0] for u in urls] == [LAN_ADDRESS] * 2 + ["127.0.0.1"] * 2
    assert all(out["probes"][f"track {u}"] == 200 for u in urls)
