"""The MCP tools over stdio against ``event-inspector serve`` fed by segment-analytics-python:
what each answers, and that a bad call is a tool error with the API's own text."""

from __future__ import annotations

from inspector.domain.secrets import mask_key
from tests.mcp.conftest import WRITE_KEY, Collector, segment_client
from tests.mcp.stdio import McpServerProcess
from tests.qa.journeys import CHECKOUT, CHECKOUT_YAML, background

CONTRACT = {
    "query_events",
    "wait_for_events",
    "lint_findings",
    "explain_rule",
    "identity",
    "check_flow",
    "tracking_plan_coverage",
    "sessions",
    "stats",
}


def test_every_tool_is_listed_with_a_description_and_a_json_schema(mcp_url: McpServerProcess):
    tools = {t.name: t for t in mcp_url.run(mcp_url.session.list_tools()).tools}
    assert set(tools) >= CONTRACT
    for t in tools.values():
        assert len(t.description or "") > 80, t.name
        assert t.input_schema["type"] == "object"
        assert t.annotations is not None and t.annotations.read_only_hint
    props = {name: t.input_schema["properties"] for name, t in tools.items()}
    required = {name: set(t.input_schema.get("required", [])) for name, t in tools.items()}
    assert required["query_events"] == {"q"}
    assert props["query_events"]["limit"]["default"] == 20
    assert props["query_events"]["limit"]["maximum"] == 100
    assert props["wait_for_events"]["count"]["default"] == 1
    assert props["wait_for_events"]["timeout"]["default"] == 10
    assert props["lint_findings"]["q"]["default"] == ""
    assert props["lint_findings"]["min_severity"]["enum"] == ["error", "warning", "info"]
    assert props["lint_findings"]["min_severity"]["default"] == "warning"
    assert required["explain_rule"] == {"rule"}
    assert required["identity"] == {"user"}
    assert required["check_flow"] == {"flow"}
    assert required["sessions"] == set() and required["stats"] == set()


def test_query_events_answers_the_newest_matches_last(mcp_url, collector: Collector):
    got = mcp_url.answer("query_events", q="type:track", limit=2)
    status, api = collector.api("/api/events", q="type:track", limit=1000)
    assert status == 200
    assert got["total"] == api["total"] >= 4
    assert got["shown"] == 2 and "newest" in got["note"]
    assert [e["id"] for e in got["events"]] == [e["id"] for e in api["events"][-2:]]
    one = mcp_url.answer("query_events", q='event:"order completed" userId:u-lint')
    [ev] = one["events"]
    assert ev["type"] == "track" and ev["name"] == "order completed"
    assert ev["userId"] == "u-lint" and ev["client"] == "segment-analytics-python"
    assert ev["writeKey"] == mask_key(WRITE_KEY)  # masked, as /api shows it
    assert ev["lint"]["level"] == "warning"
    assert any(line.startswith("W023 warning: revenue") for line in ev["lint"]["findings"])
    assert ev["message"]["properties"] == {"revenue": "9.99"}
    clean = mcp_url.answer("query_events", q="type:identify userId:user-a")["events"][0]
    assert clean["lint"] == "none" and clean["anonymousId"] == "anon-a"


def test_a_bad_query_is_a_tool_error_with_the_api_text_and_the_server_goes_on(
    mcp_url, collector: Collector
):
    bad = 'type:track (event:"Signed Up"'
    status, api = collector.api("/api/events", q=bad)
    assert status == 400
    assert mcp_url.error("query_events", q=bad) == api
    assert mcp_url.error("lint_findings", q=bad) == api
    res = mcp_url.call("query_events", q="type:track", limit=0)  # outside the schema
    assert res.is_error
    assert mcp_url.error("get_event", id=10**9)["code"] == "not_found"
    assert mcp_url.answer("query_events", q="type:page")["total"] >= 1  # still serving


def test_wait_for_events_returns_when_the_client_sends(mcp_url, collector: Collector):
    q = 'type:track event:"Checkout Started" userId:u-wait'
    with background(lambda: mcp_url.answer("wait_for_events", q=q, count=2, timeout=30)) as out:
        client = segment_client(collector.url)
        for n in range(2):
            client.track(user_id="u-wait", event="Checkout Started", properties={"n": n})
        client.flush()
    assert "error" not in out, out.get("error")
    got = out["result"]
    assert got["matched"] is True and got["total"] == 2
    assert [e["message"]["properties"]["n"] for e in got["events"]] == [0, 1]


def test_a_wait_that_times_out_names_the_closest_misses(mcp_url):
    got = mcp_url.answer("wait_for_events", q='type:track event:"Order Complete"', timeout=0.5)
    assert got["matched"] is False and got["total"] == 0
    assert "waited 0.5 s" in got["message"]
    names = [m["event"].get("name") for m in got["closestMisses"]]
    assert "Order Completed" in names
    assert all(m["why"] for m in got["closestMisses"])
    assert got["arrived"]["total"] >= 6
    assert {"type": "page", "name": "Pricing", "count": 1} in got["arrived"]["byName"]


def test_lint_findings_are_grouped_by_rule_with_explanations(mcp_url, collector: Collector):
    got = mcp_url.answer("lint_findings")
    rules = {r["rule"]: r for r in got["rules"]}
    assert got["rules"][0]["rule"] == "E005"  # errors first
    e005 = rules["E005"]
    empty = collector.api("/api/events", q="rule:E005")[1]["events"]
    assert e005["examples"] == [e["id"] for e in empty][::-1][:3]
    assert "event name" in e005["title"] and e005["explanation"]
    assert e005["url"].startswith("https://segment.com/docs/")
    assert rules["W023"]["path"] == "properties.revenue"
    assert got["eventsWithFindings"] >= 2
    errors = mcp_url.answer("lint_findings", min_severity="error")
    assert {r["severity"] for r in errors["rules"]} == {"error"}
    only = mcp_url.answer("lint_findings", q="userId:u-lint event:*completed")
    assert "E005" not in {r["rule"] for r in only["rules"]} and only["rules"]
    assert collector.api("/api/lint", minSeverity="error")[1]["rules"] == errors["rules"]


def test_explain_rule_by_id_and_slug(mcp_url):
    got = mcp_url.answer("explain_rule", rule="e005")
    assert got["id"] == "E005" and got["severity"] == "error" and got["find"] == "rule:E005"
    assert "track()" in got["explanation"]
    assert mcp_url.answer("explain_rule", rule="track-missing-event")["id"] == "E005"
    err = mcp_url.error("explain_rule", rule="E05")
    assert err["code"] == "unknown_rule" and "E005" in err["message"]


def test_identity_shows_ids_and_merges(mcp_url):
    got = mcp_url.answer("identity", user="anon-a")
    [person] = got["people"]
    assert got["found"] and person["canonical"] == "user-a"
    assert {(i["kind"], i["value"]) for i in person["ids"]} == {
        ("anonymousId", "anon-a"),
        ("userId", "user-a"),
    }
    [merge] = person["merges"]
    assert merge["call"] == "identify" and merge["verdict"] == "applied"
    assert got["warnings"] == []
    nobody = mcp_url.answer("identity", user="no-such-user")
    assert nobody["found"] is False and "no identifier" in nobody["note"]


def test_check_flow_per_step(mcp_url, collector: Collector, tmp_path):
    passed = mcp_url.answer("check_flow", flow=CHECKOUT)
    assert passed["passed"] and passed["person"] == "user-a"
    assert [s["status"] for s in passed["steps"]] == ["matched"] * 4
    assert "passed: 4 of 4 steps" in passed["checklist"]
    path = tmp_path / "checkout.yaml"
    path.write_text(CHECKOUT_YAML)
    assert mcp_url.answer("check_flow", flow=str(path))["passed"]
    wrong = {"name": "Backwards", "steps": [{"q": "type:identify"}, "type:page name:Pricing"]}
    got = mcp_url.answer("check_flow", flow=wrong)
    assert not got["passed"] and got["person"] == "user-a"
    assert [s["status"] for s in got["steps"]] == ["matched", "out_of_order"]
    assert got["steps"][1]["closestMisses"][0]["why"].startswith("matches, but came before")
    bad = {"name": "Bad", "steps": ["type:page", "type:track (event:x"]}
    err = mcp_url.error("check_flow", flow=bad)
    assert err["code"] == "invalid_flow" and err["step"] == 2 and err["column"] == 12
    missing = mcp_url.error("check_flow", flow=str(tmp_path / "nope.yaml"))
    assert "no such flow file" in missing["message"]


def test_tracking_plan_coverage(mcp_url, collector: Collector):
    got = mcp_url.answer("tracking_plan_coverage")
    assert got["plan"] == str(collector.plan)
    rows = {r["event"]: r for r in got["planned"]}
    assert rows["Order Completed"] == {
        "event": "Order Completed",
        "type": "track",
        "seen": 1,
        "bySource": {"segment-analytics-python": 1},
        "required": True,
    }
    assert rows["Signed Up"]["seen"] == 1
    assert got["seen"] == 2
    assert got["unseen"] == [
        {"event": "Cart Viewed", "type": "track", "required": True},
        {"event": "Product Viewed", "type": "track", "required": False},
    ]
    assert "order completed" in {r["event"] for r in got["unplanned"]}
    assert got["summary"].startswith("2 of 4 planned events seen; required but never seen: ")
    api = collector.api("/api/coverage")[1]
    assert [r["event"] for r in api["unplanned"]] == [r["event"] for r in got["unplanned"]]


def test_sessions_and_stats(mcp_url, collector: Collector):
    got = mcp_url.answer("sessions")
    assert got["current"]["name"] == "mcp"
    assert [s["name"] for s in got["sessions"]] == ["mcp"]
    stats = mcp_url.answer("stats")
    api = collector.api("/api/stats")[1]
    assert stats["events"] == api["events"] and stats["byType"] == api["byType"]
    assert stats["lint"]["error"] >= 1
    assert stats["source"] == f"collector at {collector.url}"


def test_without_the_token_the_tools_say_how_to_give_it(collector: Collector):
    with McpServerProcess("--url", collector.url) as proc:
        err = proc.error("stats")
        assert err["code"] == "unauthorized"
        assert "--token" in err["message"] and "EVENT_INSPECTOR_TOKEN" in err["message"]


def test_a_collector_that_is_not_running_is_a_tool_error(tmp_path):
    with McpServerProcess("--url", "http://127.0.0.1:9") as proc:
        err = proc.error("query_events", q="type:track")
        assert err["code"] == "collector_unreachable" and "event-inspector serve" in err["message"]
        assert proc.answer("explain_rule", rule="E005")["id"] == "E005"  # still serving


def test_get_event_gives_one_event_in_full_with_a_long_body_cut(mcp_url, collector: Collector):
    client = segment_client(collector.url)
    client.track(user_id="u-full", event="Full Event", properties={"sku": "s-1"})
    client.flush()
    [brief] = mcp_url.answer("query_events", q='event:"Full Event"')["events"]
    full = mcp_url.answer("get_event", id=brief["id"])
    assert full["message"] == brief["message"]
    assert full["source"]["client"] == "segment-analytics-python"
    assert full["raw"]["headers"]["Authorization"].startswith("Basic ")
    assert "wk-mcp" not in full["raw"]["headers"]["Authorization"]  # masked
    assert "bodyChars" not in full["raw"]
    batch = [{"type": "track", "userId": "u-bulk", "event": "Bulk Item", "properties": {"n": n}}
             for n in range(60)]  # fmt: skip
    collector.post("/v1/batch", {"batch": batch, "writeKey": WRITE_KEY})
    bulk = mcp_url.answer("query_events", q='event:"Bulk Item"', limit=1)
    assert bulk["total"] == 60
    cut = mcp_url.answer("get_event", id=bulk["events"][0]["id"])["raw"]
    assert cut["bodyChars"] > 2000 and len(cut["body"]) == 2001 and cut["body"].endswith("…")
