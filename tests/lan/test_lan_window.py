"""The window with ``--lan`` in a private network namespace (tests/lan/netns.py): the phone
panel shows every URL a device can use, the QR code and the token; phones on "the LAN" send
over HTTP and HTTPS; /api there needs the token; the switch turns it off and on again."""

from __future__ import annotations

from pathlib import Path

from tests.lan.netns import LAN_ADDRESS, run_scenario


def test_window_lan_switch(tmp_path: Path) -> None:
    out = run_scenario("window_scenario", str(tmp_path / "data"))
    assert out["lan_flag"] is True  # event-inspector --lan
    on, off, again = out["on"], out["off"], out["again"]
    assert on["listening"] == ["127.0.0.1", LAN_ADDRESS]
    port = int(on["http"][0].rsplit(":", 1)[1])
    tls_port = int(on["https"][0].rsplit(":", 1)[1])
    lan = [f"https://{LAN_ADDRESS}:{tls_port}", f"http://{LAN_ADDRESS}:{port}"]
    # the startup lines, as serve prints them
    printed = out["printed"]
    assert printed[0].startswith(f"listening on http://127.0.0.1:{port}")
    assert printed[1].startswith(f"listening on https://127.0.0.1:{tls_port}  (HTTPS; trust")
    assert printed[2] == f"listening on the LAN too: {lan[1]}  {lan[0]}  (/api needs the token)"
    assert printed[3] == f"api token: {on['token']}  " + (
        "(send it as the X-Inspector-Token header or ?token= on /api; choose your own with --token)"
    )
    assert f"phone setup: {lan[1]}/phone  (scan the code below)" in printed
    # the phone panel and the banner: the QR code, every LAN URL, the token
    assert on["qr"] and on["checked"]
    for text in (on["panel"], on["banner"]):
        assert f"<code>{lan[0]}</code> · <code>{lan[1]}</code>" in text
        assert on["token"] in text
    assert f"{lan[1]}/phone" in on["panel"]
    assert "Phones on this network can connect" in on["banner"]
    # a phone on the LAN: tracking over HTTPS (trusting only the CA) and HTTP; /api: the token
    for base in lan:
        assert out["sent"][base] == 200
        assert out["sent"][f"api {base}"] == 401
        assert out["sent"][f"api+token {base}"] == 200
    assert out["rows"] == 2
    # switched off: this machine only, no token, no QR, the LAN address refuses
    assert out["off_restarted"] and off["listening"] == ["127.0.0.1"]
    assert off["token"] is None and not off["qr"] and not off["checked"]
    assert off["https"] == [] and off["banner"] is None and out["off_lan_refused"]
    assert off["http"] == [f"http://127.0.0.1:{port}"]  # the same port
    # and on again: the same ports; a new token (the one made was dropped on loopback)
    assert out["on_again"] and again["listening"] == on["listening"]
    assert again["https"] == on["https"] and again["token"] and again["token"] != on["token"]
