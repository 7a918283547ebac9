"""Every route and body form real clients use is accepted and answered exactly as they need."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from inspector.domain.secrets import mask_key

TYPES = {"identify": "i", "track": "t", "page": "p", "screen": "s", "group": "g", "alias": "a"}


def body(**kw):
    msg = {"userId": "u1", "messageId": kw.pop("messageId", None)}
    msg.update(kw)
    return {k: v for k, v in msg.items() if v is not None}


def test_success_answer_is_exactly_what_clients_need(api):
    r = api.post("/v1/batch", json.dumps({"batch": [body(type="track", event="A")]}))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"success": True}
    assert r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("long,short", list(TYPES.items()))
def test_single_call_routes_long_and_short(api, long, short):
    extra = {"track": {"event": "E"}, "group": {"groupId": "g"}, "alias": {"previousId": "p"}}.get(
        long, {}
    )
    for path in (f"/v1/{long}", f"/v1/{short}", f"/v1/{long}/"):
        assert api.post(path, json.dumps(body(**extra))).status_code == 200
    evs = api.events()
    assert [e["type"] for e in evs] == [long] * 3
    # the type came from the path, since the body had none
    assert all(e["message"]["type"] == long for e in evs)


@pytest.mark.parametrize("path", ["/v1/batch", "/v1/import", "/v1/b"])
def test_batch_routes(api, path):
    msgs = [body(type="track", event=f"E{i}") for i in range(3)]
    assert api.post(path, json.dumps({"batch": msgs})).status_code == 200
    assert [e["message"]["event"] for e in api.events()] == ["E0", "E1", "E2"]


@pytest.mark.parametrize(
    "ctype", ["application/json", "text/plain", "application/x-www-form-urlencoded", None]
)
def test_json_parsed_whatever_the_content_type(api, ctype):
    headers = {"Content-Type": ctype} if ctype else {}
    data = json.dumps(body(type="track", event="Ct")).encode()
    r = api.post("/v1/track", data, headers=headers)
    if ctype is None:  # requests adds none for bytes; make sure none was sent
        assert "Content-Type" not in r.request.headers
    assert r.status_code == 200
    assert api.events()[0]["message"]["event"] == "Ct"


def test_gzip_body_labelled_form_urlencoded_like_rudder_node(api):
    data = gzip.compress(json.dumps({"batch": [body(type="track", event="Gz")]}).encode())
    r = api.post(
        "/v1/batch",
        data,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200
    ev = api.events()[0]
    assert ev["message"]["event"] == "Gz"
    full = api.get(f"/api/events/{ev['id']}").json()
    assert full["raw"]["contentEncoding"] == "gzip"
    assert json.loads(full["raw"]["body"])["batch"][0]["event"] == "Gz"


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


@pytest.mark.parametrize(
    "headers,payload,query,key,form",
    [
        ({"Authorization": "Basic " + b64("WK1:")}, {}, "", "WK1", "basic"),
        ({"Authorization": "Basic " + b64("WK2")}, {}, "", "WK2", "basic-nocolon"),
        ({"Authorization": "Bearer pk_us_abc"}, {}, "", "pk_us_abc", "bearer"),
        ({}, {"writeKey": "WK3"}, "", "WK3", "body"),
        ({}, {}, "?writeKey=WK4", "WK4", "query"),
        ({}, {}, "", None, "none"),
    ],
)
def test_every_auth_form_is_accepted_and_recorded(api, headers, payload, query, key, form):
    r = api.post("/v1/track" + query, json.dumps(body(event="A", **payload)), headers=headers)
    assert r.status_code == 200
    src = api.events()[0]["source"]
    assert (src["writeKey"], src["auth"]) == (mask_key(key), form)  # shown masked
    if key is not None:  # ... and found by the whole key, decoded from its auth form
        assert len(api.events(f'writekey:"{key}"')) == 1
        assert api.events(f'writekey:"{key}x"') == []


def test_credentials_are_masked_in_the_raw_request(api):
    api.post(
        "/v1/track",
        json.dumps(body(event="A")),
        headers={"Authorization": "Basic " + b64("SECRETKEY123:")},
    )
    ev = api.events()[0]
    raw = api.get(f"/api/events/{ev['id']}").json()["raw"]
    auth = raw["headers"]["Authorization"]
    assert b64("SECRETKEY123:") not in auth and auth.startswith("Basic ")
    assert raw["method"] == "POST" and raw["path"] == "/v1/track"


def test_batch_context_and_integrations_merged_into_items(api):
    payload = {
        "batch": [body(type="track", event="A", context={"ip": "1.2.3.4"})],
        "context": {"locale": "en-US", "ip": "9.9.9.9"},
        "integrations": {"All": False},
    }
    api.post("/v1/batch", json.dumps(payload))
    msg = api.events()[0]["message"]
    assert msg["context"] == {"locale": "en-US", "ip": "1.2.3.4"}
    assert msg["integrations"] == {"All": False}


def test_skew_corrected_timestamp(api):
    payload = {
        "batch": [body(type="track", event="A", timestamp="2020-01-01T00:00:00.000Z")],
        "sentAt": "2020-01-01T00:00:10.000Z",
    }
    api.post("/v1/batch", json.dumps(payload))
    ev = api.events()[0]
    from inspector.domain.timeparse import parse_iso

    received = parse_iso(ev["receivedAt"])
    corrected = parse_iso(ev["timestamp"])
    assert abs((received - corrected).total_seconds() - 10) < 0.01


def test_position_in_batch_recorded(api):
    api.post(
        "/v1/batch", json.dumps({"batch": [body(type="track", event=f"E{i}") for i in range(3)]})
    )
    raws = [e["raw"] for e in api.events()]
    assert [(r["batchIndex"], r["batchSize"]) for r in raws] == [(0, 3), (1, 3), (2, 3)]
    assert len({r["requestId"] for r in raws}) == 1


def test_repeated_message_ids_flagged_not_dropped(api):
    msg = body(type="track", event="A", messageId="m-1")
    for _ in range(2):
        api.post("/v1/batch", json.dumps({"batch": [msg]}), headers={"X-Retry-Count": "1"})
    evs = api.events()
    assert [e["duplicate"] for e in evs] == [False, True]
    assert api.get("/api/stats").json()["duplicates"] == 1


def test_invalid_events_are_still_accepted_and_kept(api):
    assert api.post("/v1/track", json.dumps({"properties": {}})).status_code == 200
    assert api.post("/v1/batch", json.dumps({"batch": [{"type": "track"}]})).status_code == 200
    assert len(api.events()) == 2


def test_cors_preflight_echoes_requested_headers(api):
    r = api.s.options(
        api.url + "/v1/t",
        headers={
            "Origin": "http://127.0.0.1:9999",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,x-retry-count",
            "Access-Control-Request-Private-Network": "true",
        },
        timeout=5,
    )
    assert r.status_code == 204
    h = r.headers
    assert h["Access-Control-Allow-Origin"] == "http://127.0.0.1:9999"
    assert h["Access-Control-Allow-Headers"] == "authorization,x-retry-count"
    assert "POST" in h["Access-Control-Allow-Methods"]
    assert h["Access-Control-Allow-Private-Network"] == "true"
    assert h["Access-Control-Allow-Credentials"] == "true"


def test_cors_on_errors_and_api(api):
    r = api.post("/v1/batch", "{", headers={"Origin": "http://x.test"})
    assert r.status_code == 400 and r.headers["Access-Control-Allow-Origin"] == "http://x.test"
    # the query API names no origin for a request that sent none (tests/collector/test_security.py)
    assert "Access-Control-Allow-Origin" not in api.get("/api/stats").headers


def test_settings_route_points_analytics_js_here(api):
    r = api.get("/v1/projects/WKB/settings")
    assert r.status_code == 200
    seg = r.json()["integrations"]["Segment.io"]
    assert seg["apiKey"] == "WKB" and seg["apiHost"].endswith("/v1") and seg["protocol"] == "http"
    assert r.json()["metrics"]["sampleRate"] == 0


def test_settings_route_for_the_customerio_browser_library(api):
    r = api.get("/cio/v1/projects/WKC/settings")
    integrations = r.json()["integrations"]
    assert list(integrations) == ["Customer.io Data Pipelines"]
    assert integrations["Customer.io Data Pipelines"]["apiKey"] == "WKC"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/projects/WKA/settings",  # cdnURL at the root, as both vendors' docs show
        "//v1/projects/WKA/settings",  # a cdnURL with a trailing slash
        "/projects/WKA/settings",  # a mobile SDK's cdnHost without /v1
        "/proxy/cdn/v1/projects/WKA/settings",  # a cdnURL with a path
    ],
)
def test_settings_name_every_browser_library_at_every_path(api, path):
    """Each library reads only the integration named after itself (analytics-next and the
    Segment mobile SDKs ``Segment.io``, Customer.io's ``Customer.io Data Pipelines``), and the
    request does not say which library asks: both are named, pointing here."""
    r = api.get(path)
    assert r.status_code == 200
    integrations = r.json()["integrations"]
    assert set(integrations) == {"Segment.io", "Customer.io Data Pipelines"}
    host = api.url.split("://", 1)[1]
    for entry in integrations.values():
        assert entry == {"apiKey": "WKA", "apiHost": f"{host}/v1", "protocol": "http"}
        assert "type" not in entry  # never a device-mode destination to install


def test_settings_for_one_vendor_when_asked(api, collector):
    assert list(api.get("/v1/projects/K/settings?vendor=segment").json()["integrations"]) == [
        "Segment.io"
    ]
    assert list(api.get("/segment/v1/projects/K/settings").json()["integrations"]) == ["Segment.io"]
    collector.service.settings_vendor["K2"] = "Customer.io Data Pipelines"
    assert list(api.get("/v1/projects/K2/settings").json()["integrations"]) == [
        "Customer.io Data Pipelines"
    ]
    # the query API's paths are never settings
    assert api.get("/api/projects/K/settings").status_code == 404


def test_metrics_and_unknown_v1_paths_answer_200(api):
    assert api.post("/v1/m", json.dumps({"series": []})).status_code == 200
    r = api.post("/v1/something-new", "{}")
    assert r.status_code == 200
    assert api.events() == []
