"""``event-inspector diff``: regressions, mere changes, formats, inputs, exit statuses."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest

from inspector.cli import main
from inspector.domain.diff import compare, profile_messages
from inspector.domain.store import Store
from inspector.ingest.importer import import_file


def golden() -> list[dict]:
    msgs: list[dict] = []
    for i in range(10):
        msgs.append(
            {
                "type": "track",
                "userId": f"u{i}",
                "event": "Product Viewed",
                "properties": {
                    "sku": f"SKU-{i}",
                    "price": 10 + i,
                    "plan": "pro" if i % 2 else "free",
                    "order_id": f"o{i}",
                    "products": [{"sku": "A", "qty": 1}],
                },
            }
        )
    for i in range(4):
        msgs.append(
            {
                "type": "track",
                "userId": f"u{i}",
                "event": "Order Completed",
                "properties": {"revenue": 9.99, "currency": "USD"},
            }
        )
    for i in range(6):
        msgs.append(
            {"type": "page", "anonymousId": f"a{i}", "name": "Home", "properties": {"path": "/"}}
        )
    msgs.append({"type": "identify", "userId": "u1", "traits": {"email": "a@b.c", "plan": "pro"}})
    return msgs


def write(path, msgs):
    path.write_text("\n".join(json.dumps(m) for m in msgs) + "\n")
    return str(path)


def diff(tmp_path, baseline, current, *extra, capsys=None):
    b = write(tmp_path / "baseline.ndjson", baseline)
    c = write(tmp_path / "current.ndjson", current)
    code = main(["diff", b, c, "--format", "json", *extra])
    return code


def run_json(tmp_path, capsys, baseline, current, *extra):
    code = diff(tmp_path, baseline, current, *extra)
    body = json.loads(capsys.readouterr().out)
    return code, body


def kinds(body):
    return sorted((c["kind"], c["name"], c["path"]) for c in body["regressions"] + body["changes"])


def test_identical_sessions(tmp_path, capsys):
    code, body = run_json(tmp_path, capsys, golden(), golden())
    assert code == 0 and body["identical"] and not body["regressed"]
    assert body["summary"] == {"regressions": 0, "changes": 0, "kinds": 4, "same": 4}
    assert all(e["status"] == "same" for e in body["events"])
    b = write(tmp_path / "x.ndjson", golden())
    assert main(["diff", b, b]) == 0
    assert "SAME" in capsys.readouterr().out


def test_event_disappeared_is_a_regression(tmp_path, capsys):
    cur = [m for m in golden() if m.get("event") != "Order Completed"]
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 1 and body["regressed"]
    assert kinds(body) == [("event_removed", "Order Completed", None)]
    row = next(e for e in body["events"] if e["name"] == "Order Completed")
    assert row["status"] == "removed" and row["baseline"] == 4 and row["current"] == 0


def test_event_appeared_is_a_change(tmp_path, capsys):
    cur = [*golden(), {"type": "track", "userId": "u", "event": "Promo Clicked"}]
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 0 and not body["regressed"]
    assert kinds(body) == [("event_added", "Promo Clicked", None)]


def test_page_name_change(tmp_path, capsys):
    cur = golden()
    for m in cur:
        if m["type"] == "page":
            m["name"] = "Homepage"
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 1
    assert kinds(body) == [("event_added", "Homepage", None), ("event_removed", "Home", None)]
    assert {(e["type"], e["status"]) for e in body["events"] if e["type"] == "page"} == {
        ("page", "removed"),
        ("page", "added"),
    }


def test_property_removed_is_a_regression_and_added_a_change(tmp_path, capsys):
    cur = golden()
    for m in cur:
        if m.get("event") == "Order Completed":
            del m["properties"]["currency"]
            m["properties"]["coupon"] = "X"
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 1
    assert kinds(body) == [
        ("property_added", "Order Completed", "coupon"),
        ("property_removed", "Order Completed", "currency"),
    ]
    assert [c["kind"] for c in body["regressions"]] == ["property_removed"]


def test_nested_and_array_properties(tmp_path, capsys):
    cur = golden()
    for m in cur:
        if m.get("event") == "Product Viewed":
            m["properties"]["products"] = [{"sku": "A"}]
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 1
    assert kinds(body) == [("property_removed", "Product Viewed", "products[].qty")]


def test_type_change_is_a_regression(tmp_path, capsys):
    cur = golden()
    for m in cur:
        if m.get("event") == "Product Viewed":
            m["properties"]["price"] = str(m["properties"]["price"])
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 1
    [reg] = body["regressions"]
    assert reg["kind"] == "type_changed" and reg["path"] == "price"
    assert reg["baseline"] == "number" and reg["current"] == "string"
    assert "price type changed number -> string" in reg["message"]


def test_int_and_float_are_one_type_and_null_is_another(tmp_path, capsys):
    cur = golden()
    pv = [m for m in cur if m.get("event") == "Product Viewed"]
    pv[0]["properties"]["price"] = 10.5
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 0 and body["identical"]
    pv[1]["properties"]["price"] = None
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 1 and body["regressions"][0]["current"] == "null|number"


def test_low_cardinality_values(tmp_path, capsys):
    cur = golden()
    for m in cur:
        if m.get("event") == "Product Viewed" and m["properties"]["plan"] == "free":
            m["properties"]["plan"] = "enterprise"
        if m.get("event") == "Product Viewed":  # ids and high-cardinality values: not compared
            m["properties"]["order_id"] = "x" + m["properties"]["order_id"]
            m["properties"]["sku"] = "NEW-" + m["properties"]["sku"]
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 0
    [chg] = body["changes"]
    assert chg["kind"] == "values_changed" and chg["path"] == "plan"
    assert chg["baseline"] == ["free", "pro"] and chg["current"] == ["enterprise", "pro"]
    assert "no longer 'free'; new 'enterprise'" in chg["message"]


def test_counts_outside_tolerance(tmp_path, capsys):
    cur = [m for m in golden() if m["type"] != "page"] + golden()[14:16]  # 6 pages -> 2
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 0
    [chg] = body["changes"]
    assert chg["kind"] == "count_changed" and chg["baseline"] == 6 and chg["current"] == 2
    assert "-67%" in chg["message"]
    cur = [m for m in golden() if m["type"] != "page"] + golden()[14:18]  # 6 -> 4: within 50%
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 0 and body["identical"]
    code, body = run_json(tmp_path, capsys, golden(), cur, "--tolerance", "0.2")
    assert [c["kind"] for c in body["changes"]] == ["count_changed"]


def test_property_became_optional(tmp_path, capsys):
    cur = golden()
    del cur[0]["properties"]["plan"]
    code, body = run_json(tmp_path, capsys, golden(), cur)
    assert code == 0
    assert kinds(body) == [("property_optional", "Product Viewed", "plan")]


def test_strict_fails_on_any_change(tmp_path, capsys):
    cur = [*golden(), {"type": "track", "userId": "u", "event": "Promo Clicked"}]
    code, body = run_json(tmp_path, capsys, golden(), cur, "--strict")
    assert code == 1 and body["failed"] and not body["regressed"]


def test_text_report(tmp_path, capsys):
    cur = [m for m in golden() if m.get("event") != "Order Completed"]
    cur.append({"type": "track", "userId": "u", "event": "Promo Clicked"})
    b = write(tmp_path / "b.ndjson", golden())
    c = write(tmp_path / "c.ndjson", cur)
    assert main(["diff", b, c]) == 1
    out = capsys.readouterr().out
    assert 'REGRESSIONS (1)\n  - track "Order Completed": disappeared (baseline 4, now 0)' in out
    assert 'CHANGES (1)\n  + track "Promo Clicked": new event (1)' in out
    assert "REGRESSED: 1 regression, 1 other change" in out


def test_junit_report(tmp_path, capsys):
    cur = copy.deepcopy(golden())
    for m in cur:
        if m.get("event") == "Order Completed":
            del m["properties"]["currency"]
    b = write(tmp_path / "b.ndjson", golden())
    c = write(tmp_path / "c.ndjson", [*cur, {"type": "screen", "name": "Cart <&>"}])
    out = tmp_path / "diff.xml"
    assert main(["diff", b, c, "--format", "junit", "--out", str(out)]) == 1
    suite = ET.parse(out).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "5" and suite.get("failures") == "1"
    failing = [tc for tc in suite.iter("testcase") if tc.find("failure") is not None]
    assert [tc.get("name") for tc in failing] == ["Order Completed"]
    assert failing[0].find("failure").get("type") == "property_removed"
    screen = next(tc for tc in suite.iter("testcase") if tc.get("name") == "Cart <&>")
    assert "new event" in screen.find("system-out").text


def test_stored_sessions_by_name_and_id(tmp_path, capsys):
    data = tmp_path / "data"
    store = Store(data)
    g = write(tmp_path / "g.ndjson", golden())
    s1 = import_file(store, tmp_path / "g.ndjson", "golden").session
    cur = [m for m in golden() if m["type"] != "identify"]
    write(tmp_path / "c.ndjson", cur)
    import_file(store, tmp_path / "c.ndjson", "release 2")
    store.close()
    assert main(["diff", "golden", "release 2", "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out
    assert "session 'golden'" in out and "identify: disappeared" in out
    assert main(["diff", str(s1.id), g, "--data-dir", str(data)]) == 0  # session vs file


def test_api_event_objects_are_accepted(tmp_path, capsys):
    api_lines = [
        {"id": i, "type": m["type"], "receivedAt": "2026-01-01T00:00:00.000Z", "message": m}
        for i, m in enumerate(golden())
    ]
    b = write(tmp_path / "b.ndjson", golden())
    c = write(tmp_path / "api.ndjson", api_lines)
    assert main(["diff", b, c]) == 0
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"total": 21, "events": api_lines}))
    assert main(["diff", b, str(page)]) == 0


@pytest.mark.parametrize(
    "problem", ["missing", "bad_json", "not_object", "unknown_session", "tolerance"]
)
def test_unusable_input_exits_2(tmp_path, capsys, problem):
    good = write(tmp_path / "good.ndjson", golden())
    bad = tmp_path / "bad.ndjson"
    args = [good, str(bad)]
    if problem == "missing":
        args = [good, str(tmp_path / "nope.ndjson")]
    elif problem == "bad_json":
        bad.write_text('{"type": "track"}\n{not json\n')
    elif problem == "not_object":
        bad.write_text('{"type": "track"}\n[1, 2]\n')
    elif problem == "unknown_session":
        Store(tmp_path / "d").close()
        args = [good, "nope", "--data-dir", str(tmp_path / "d")]
    else:
        bad.write_text("")
        args += ["--tolerance", "-1"]
    assert main(["diff", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    if problem == "bad_json":
        assert "bad.ndjson: line 2 is not JSON" in err  # the one NDJSON reader's words


def test_domain_compare_directly():
    base = profile_messages(golden(), "a")
    result = compare(base, profile_messages(golden(), "b"))
    assert result.identical and not result.failed() and not result.failed(strict=True)
    with pytest.raises(ValueError):
        compare(base, base, tolerance=-0.1)


def test_an_amount_whose_type_changes_at_all_is_a_regression():
    """revenue, price, value, quantity: a narrowed type set (number|string -> string) is a
    regression, as a new type is; for other properties narrowing stays a change."""

    def session(revenues, labels):
        return [
            {
                "type": "track",
                "userId": "u",
                "event": "Order Completed",
                "properties": {
                    "revenue": r,
                    "label": lab,
                    "products": [{"price": r, "quantity": 1}],
                },
            }
            for r, lab in zip(revenues, labels, strict=True)
        ]

    base = profile_messages(session([9.99, "9.99"], ["a", 1]))
    cur = profile_messages(session(["9.99", "10.5"], ["a", "b"]))
    result = compare(base, cur)
    by_path = {c.path: c for c in result.changes if c.path}
    rev = by_path["revenue"]
    assert rev.kind == "type_changed" and rev.regression
    assert "number|string -> string" in rev.message and "amount" in rev.message
    assert by_path["products[].price"].regression
    label = by_path["label"]  # number|string -> string on a plain property: a change
    assert label.kind == "type_narrowed" and not label.regression
    assert result.regressed
